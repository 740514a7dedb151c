package io.nglive.danmaku;

/**
 * One {@code <d>} of a danmaku file: {@code time} in seconds since the file was opened, {@code mode} as Bilibili numbers
 * it (1, 2, 3 and 6 scroll, 4 bottom, 5 top, 7 positioned, 8 code), {@code color} as 0xRRGGBB, {@code uid} as the file
 * has it (a number from the recorder, a hash in some other writers), {@code text} as sent.
 */
public record Comment(double time, int mode, int size, int color, String uid, String user, String text) {
}
