export const LOG = Symbol('LOG');
