/** Where a training run and its model keep their files (shared by the worker and the API). */
import { join } from 'node:path';
import { checkId, runDir } from '../../store/paths';

export const modelsRoot = (projectPath: string) => join(projectPath, 'models');
export const modelDir = (projectPath: string, modelId: string) => join(modelsRoot(projectPath), checkId(modelId, 'modelId'));

/** Written last by the worker, after the model folder: its presence marks the training task done. */
export const MODEL_RECORD_FILE = 'model-record.json';

export const trainFiles = (projectPath: string, runId: string, modelId: string) => {
  const dir = runDir(projectPath, runId);
  return {
    /** TrainerCheckpoint (checkpoint.json + the checkpoint-<hash>.bin it names, see store/model-folder.ts). */
    checkpointDir: join(dir, 'train-checkpoint'),
    /** TrainingStatus: backend and the loss history so far, rewritten after every epoch. */
    status: join(dir, 'training.json'),
    model: modelDir(projectPath, modelId),
    record: join(modelDir(projectPath, modelId), MODEL_RECORD_FILE),
  };
};
