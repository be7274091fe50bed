import { nativeImage, type NativeImage } from "electron";

const SIZE = 16;

/**
 * A filled ring drawn in code, so the tray needs no image file beside the bundle. Black on
 * transparent: macOS recolours it as a template image; other desktops show it as it is.
 */
export function trayIcon(): NativeImage {
  const bitmap = Buffer.alloc(SIZE * SIZE * 4);
  const centre = (SIZE - 1) / 2;
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const distance = Math.hypot(x - centre, y - centre);
      const inRing = distance <= 7.5 && distance >= 3;
      // BGRA: colour channels stay 0 (black), only alpha marks the shape.
      bitmap[(y * SIZE + x) * 4 + 3] = inRing ? 255 : 0;
    }
  }
  const image = nativeImage.createFromBitmap(bitmap, { width: SIZE, height: SIZE });
  image.setTemplateImage(true);
  return image;
}
