/** The catalogue a runbook file names steps from and the registry the workflow runs them with hold the same steps, of the same kind. */
import { stepCatalogue, stepNames } from '../../../src/domain/runbook-catalogue';
import { stepRegistry } from '../../../workflows/runbook/step-registry';
import { stepTitles } from '../../../workflows/runbook/step-order';

test('every catalogue step has an implementation of its kind, and every implementation a catalogue entry', () => {
  expect([...stepRegistry.keys()].sort()).toEqual([...stepNames].sort());
  for (const name of stepNames) expect([name, stepRegistry.get(name)!.kind]).toEqual([name, stepCatalogue[name].kind]);
  expect(Object.keys(stepTitles)).toEqual(stepNames);
});
