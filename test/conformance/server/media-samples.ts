/** The smallest well-formed samples of each binary type the scenarios ask for, in base64. */

/** A 1×1 PNG, one red pixel. */
export const RED_PIXEL_PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";

/** A WAV file: 8 samples of silence, 8-bit mono PCM at 8 kHz. */
export const SILENT_WAV =
  "UklGRiwAAABXQVZFZm10IBAAAAABAAEAQB8AAEAfAAABAAgAZGF0YQgAAACAgICAgICAgA==";
