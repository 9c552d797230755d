/** Tiny files with real magic bytes, base64-encoded as clients send them. */
const padTo = (head: number[], size: number) => Buffer.concat([Buffer.from(head), Buffer.alloc(Math.max(0, size - head.length), 0x20)]);

export const JPEG_BYTES = (size = 64) => padTo([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46], size);
export const PNG_BYTES = (size = 64) => padTo([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], size);
export const PDF_BYTES = (size = 64) => padTo([...Buffer.from("%PDF-1.7\n")], size);
export const HEIC_BYTES = (size = 64) => padTo([0x00, 0x00, 0x00, 0x18, ...Buffer.from("ftypheic"), 0, 0, 0, 0], size);
export const GIF_BYTES = (size = 64) => padTo([...Buffer.from("GIF89a")], size);

export const base64 = (bytes: Buffer) => bytes.toString("base64");
export const jpegFile = (fileName = "front.jpg", size = 64) => ({ fileName, contentBase64: base64(JPEG_BYTES(size)) });
export const pngFile = (fileName = "back.png", size = 64) => ({ fileName, contentBase64: base64(PNG_BYTES(size)) });
export const pdfFile = (fileName = "bill.pdf", size = 64) => ({ fileName, contentBase64: base64(PDF_BYTES(size)) });
