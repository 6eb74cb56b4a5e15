import { create } from 'zustand';
import type { ExportFormat } from '../../../../../shared/exports';

/** The chosen format survives leaving the page; the filter lives in the URL. */
interface ExportForm {
  format: ExportFormat;
  bom: boolean;
  setFormat(format: ExportFormat): void;
  setBom(bom: boolean): void;
}

export const useExportFormStore = create<ExportForm>((set) => ({
  format: 'csv',
  bom: false,
  setFormat: (format) => set({ format }),
  setBom: (bom) => set({ bom }),
}));
