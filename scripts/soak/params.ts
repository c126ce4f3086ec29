/** The four run kinds the soak kills and resumes: small, seeded, each a few seconds of work. */
export function soakRunParams(kind: string, project: { systems: { id: string }[]; molecules: { id: string }[]; runs: { id: string; kind: string }[] }): { method: string; params: Record<string, unknown> } {
  const systemId = project.systems[0].id;
  switch (kind) {
    case 'umbrella':
      return { method: 'startUmbrellaRun', params: { systemId, name: 'soak umbrella', params: {
        cvIndex: 0, centers: { mode: 'range', min: -1.5, max: 1.5, count: 6 }, spring: 20, kT: 1, dt: 1e-3,
        stepsPerWindow: 400_000, stride: 20, walkersPerWindow: 4, equilibrationSteps: 200, seed: 11 } } };
    case 'metad':
      return { method: 'startMetadRun', params: { systemId, name: 'soak metad', params: {
        cvIndices: [0], sigma: [0.2], height: 0.2, pace: 100, biasFactor: 4, kT: 1, dt: 2e-3,
        steps: 300_000, walkers: 4, integrator: 'overdamped', friction: 10, mass: 1, colvarStride: 50, seed: 3 } } };
    case 'molecular':
      return { method: 'startMolecularRun', params: { moleculeId: project.molecules[0].id, name: 'soak molecular', params: {
        temperature: 300, friction: 1, dt: 0.002, steps: 20_000, constraints: 'hbonds', minimize: true, seed: 5, frameInterval: 50,
        cvs: ['phi=dihedral(5,7,9,15)', 'psi=dihedral(7,9,15,17)'], metad: { sigma: [0.35, 0.35], height: 4, pace: 50, biasFactor: 6 } } } };
    case 'train': {
      const source = project.runs.find((r) => r.kind === 'metad');
      if (!source) throw new Error('the soak base project has no metadynamics run to train on');
      return { method: 'startTraining', params: { name: 'soak train', sourceRunIds: [source.id], model: 'score', epochs: 40, seed: 1, hidden: [16, 16], batchSize: 128, device: 'cpu' } };
    }
    default:
      throw new Error(`unknown soak kind ${kind}`);
  }
}
