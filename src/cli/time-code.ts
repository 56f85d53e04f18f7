/** Seconds as mm:ss.ss, as the CLI prints times in a video. */
export const timeCode = (seconds: number): string => `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${(seconds % 60).toFixed(2).padStart(5, '0')}`;
