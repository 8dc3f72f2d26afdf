/** Browser downloads: the browser host's stand-in for a save dialog. */

/** Offer a URL (object or data URL) as a file download. */
export function downloadUrl(fileName: string, url: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
}

/** Offer text or bytes as a file download. */
export function downloadData(fileName: string, data: string | Uint8Array, mime: string): void {
  const url = URL.createObjectURL(new Blob([data as BlobPart], { type: mime }));
  downloadUrl(fileName, url);
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Offer base64-encoded bytes (as the host sends exports) as a file download. */
export function downloadBase64(fileName: string, base64: string, mime: string): void {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  downloadData(fileName, bytes, mime);
}
