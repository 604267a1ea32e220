/** One line of `make bench`: what was measured, its value and the limit or target beside it. */
export interface BenchRow {
  measure: string;
  value: string;
  limit: string;
}
