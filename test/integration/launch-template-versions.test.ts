/**
 * Reading every launch template version against moto, which returns at most MaxResults
 * versions and no NextToken: a missed newer version would let a re-run of point-group create a
 * duplicate (issue 3: no duplicate versions on a second run).
 */
import { CreateLaunchTemplateCommand, CreateLaunchTemplateVersionCommand } from '@aws-sdk/client-ec2';
import { launchTemplateVersions } from '../../activities/recovery/image-candidates';
import { createAwsClients, destroyAwsClients, type AwsClients } from '../../src/aws/clients';
import { startMoto, type MotoServer } from '../../src/local/moto-server';
import { toolchainPaths } from '../../src/local/toolchain-paths';

let moto: MotoServer;
let aws: AwsClients;

beforeAll(async () => {
  moto = await startMoto({ binary: toolchainPaths().motoServer });
  aws = createAwsClients({ region: 'eu-west-1', endpoint: moto.endpoint });
});
afterAll(async () => {
  destroyAwsClients(aws);
  await moto?.stop();
});

test.each([1, 15, 16, 230])('a template with %i versions is read whole, in order', async (count) => {
  const created = await aws.ec2.send(
    new CreateLaunchTemplateCommand({
      LaunchTemplateName: `lt-${count}`,
      LaunchTemplateData: { ImageId: 'ami-00000001', InstanceType: 't3.micro' },
    }),
  );
  const id = created.LaunchTemplate!.LaunchTemplateId!;
  for (let v = 2; v <= count; v++) {
    await aws.ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: id,
        SourceVersion: '1',
        LaunchTemplateData: { ImageId: `ami-${String(v).padStart(8, '0')}` },
      }),
    );
  }
  const versions = await launchTemplateVersions(aws, id);
  expect(versions.map((v) => v.VersionNumber)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
  expect(versions.at(-1)!.LaunchTemplateData!.ImageId).toBe(`ami-${String(count).padStart(8, '0')}`);
});
