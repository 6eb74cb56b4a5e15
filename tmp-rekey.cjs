const D=require('better-sqlite3-multiple-ciphers'); const fs=require('fs'); const crypto=require('crypto');
const src=process.argv[2];
for (const mode of ['DELETE','OFF']) {
  fs.copyFileSync(src, '/tmp/bbm/rk.db');
  const db=new D('/tmp/bbm/rk.db'); db.pragma('journal_mode='+mode);
  const bytes=db.pragma('page_count',{simple:true})*db.pragma('page_size',{simple:true});
  db.pragma("cipher='sqlcipher'");
  const t=performance.now(); db.rekey(Buffer.from("x'"+crypto.randomBytes(32).toString('hex')+"'")); const s=(performance.now()-t)/1000;
  console.log(mode, (bytes/1e6).toFixed(0),'MB', s.toFixed(2),'s', (bytes/1e6/s).toFixed(0),'MB/s');
  db.close(); fs.rmSync('/tmp/bbm/rk.db');
}
