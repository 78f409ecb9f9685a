import QRCode from 'qrcode';
import { useEffect, useState } from 'react';

/** A QR code of `value` as an image (drawn in the browser; nothing leaves the page). */
export function QrCode({ value, label, size = 176 }: { value: string; label: string; size?: number }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(value, { margin: 1, width: size, errorCorrectionLevel: 'M' }).then((url) => live && setSrc(url), () => live && setSrc(null));
    return () => {
      live = false;
    };
  }, [value, size]);
  return src ? <img className="qr" src={src} width={size} height={size} alt={label} data-testid="qr-code" /> : <div className="qr" style={{ width: size, height: size }} aria-hidden="true" />;
}

/** Downloads the QR code as a PNG file, for print material. */
export async function downloadQr(value: string, filename: string): Promise<void> {
  const url = await QRCode.toDataURL(value, { margin: 2, width: 1024 });
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
}
