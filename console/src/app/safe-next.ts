/**
 * Where to go after signing in. `next` comes from the URL, so anyone can craft it: only a path of this
 * site is followed (not `//evil.example`, `/\evil.example`, or a scheme), anything else goes home.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next?.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return '/';
  // Browsers drop tabs and newlines from URLs, so '/\n/evil.example' would become '//evil.example'.
  return [...next].some((char) => char.charCodeAt(0) < 0x20) ? '/' : next;
}
