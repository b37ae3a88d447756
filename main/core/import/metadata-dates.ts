/**
 * The date-related tags a file carries, as the metadata readers report them (raw strings,
 * never converted). Both readers (exifr, ExifTool) are normalised into this shape so the date
 * rules in timestamps.ts never depend on which library read the file.
 */
export interface MetadataDates {
  /** EXIF DateTimeOriginal (also RIFF/H264 DateTimeOriginal in AVI/M2TS). */
  dateTimeOriginal?: string;
  subSecTimeOriginal?: string;
  offsetTimeOriginal?: string;
  /** EXIF CreateDate / DateTimeDigitized. */
  createDate?: string;
  subSecTimeDigitized?: string;
  offsetTimeDigitized?: string;
  /** EXIF ModifyDate (IFD0 DateTime); PNG tIME is a modification time too. */
  modifyDate?: string;
  subSecTime?: string;
  offsetTime?: string;
  /** XMP and IPTC capture dates in trust order, each with the tag it came from. */
  xmp: { tag: string; value: string }[];
  /** Apple's QuickTime CreationDate (Keys / UserData): local time with its own offset. */
  quickTimeCreationDate?: string;
  /**
   * QuickTime/MP4 `©day` (UserData or ItemList ContentCreateDate): the local time the camera app
   * wrote, usually with its offset (`2020-11-20T15:04:02+0100`).
   */
  quickTimeContentCreateDate?: string;
  /**
   * Container header dates: UTC by specification (QuickTime mvhd; also ASF's file date and
   * Matroska's DateUTC, which ExifTool marks with `Z`).
   */
  quickTimeCreateDate?: string;
  quickTimeMediaCreateDate?: string;
  quickTimeTrackCreateDate?: string;
  /** PNG text "Creation Time" / "create-date": written by software, often not the capture. */
  pngCreationTime?: string;
  /** Google Takeout's `photoTakenTime` from the JSON beside the file: a UTC instant. */
  takeoutPhotoTaken?: { utcMs: number; raw: string };
}

export function emptyMetadataDates(): MetadataDates {
  return { xmp: [] };
}
