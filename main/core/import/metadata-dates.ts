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
  /** QuickTime header dates: UTC by specification. */
  quickTimeCreateDate?: string;
  quickTimeMediaCreateDate?: string;
  quickTimeTrackCreateDate?: string;
  /** PNG text "Creation Time" / "create-date": written by software, often not the capture. */
  pngCreationTime?: string;
  /** Camera clock correction: the camera model (EXIF/QuickTime `Model`), to find a camera's other files. */
  cameraModel?: string;
}

export function emptyMetadataDates(): MetadataDates {
  return { xmp: [] };
}
