// Errors now live in src/errors/ (a leaf); this re-export keeps the surface's imports working while
// the request path moves out of src/surface/.
export * from '../errors/gateway-error.ts';
