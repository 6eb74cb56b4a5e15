// A core thread that fails before it is ready, as a core whose native module cannot load would.
const error = new Error('cannot open /home/someone/secret-profile/cache.db');
error.code = 'ERR_DLOPEN_FAILED';
throw error;
