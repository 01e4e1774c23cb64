// The filter box above a run list and a table (like TensorBoard's run filter): a regular expression when the text is
// one, else a plain substring; case-insensitive either way. An empty filter keeps everything.

export function textFilter(text: string): (candidate: string) => boolean {
  const query = text.trim();
  if (!query) return () => true;
  try {
    const pattern = new RegExp(query, 'i');
    return (candidate) => pattern.test(candidate);
  } catch {
    const lower = query.toLowerCase();
    return (candidate) => candidate.toLowerCase().includes(lower);
  }
}
