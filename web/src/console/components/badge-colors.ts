/**
 * Badge fills dark enough for their small white text to meet WCAG AA (4.5:1): the library's
 * green 9 and orange 9 give about 4.2:1 and 3.6:1.
 */
export const BADGE = { good: "#1b5e20", warning: "#8a3b00", bad: "#9b1c1c", neutral: "#343a40" } as const;
