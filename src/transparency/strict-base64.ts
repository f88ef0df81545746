/**
 * Standard base64 (RFC 4648 section 4), decoded only when the text is the one canonical encoding
 * of its bytes. Node's own decoder skips characters it does not know and ignores padding bits, so
 * two different strings could name the same signature or root; here a string names one value.
 */
export function decodeCanonicalBase64(text: string): Buffer | null {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return null;
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? bytes : null;
}
