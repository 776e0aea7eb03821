// The one shape an API server address the operator gives may have: https, a host, an optional
// port, no path (the kubernetes provider and kubectl append their own paths).
export function isApiServerUrl(url: string): boolean {
  return /^https:\/\/[^\s/]+(:\d+)?$/.test(url);
}
