/** A trained model as a model call names it: its folder and what the project says it holds (lift.ts checks the loaded model against it). */
export interface ModelRef {
  folder: string;
  /** What the project says the folder holds (checked against the loaded model). */
  condNames: string[];
  targetNames: string[];
}
