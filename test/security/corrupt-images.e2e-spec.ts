import { createClaim, uploadPhotos, useIntakeApp } from '../fixtures/intake-fixtures';
import { hollowJpeg, jpegHeaderThroughSos, noisePhoto } from './security-fixtures';

/**
 * Finding 2: a 345-byte JPEG declaring 7000×7000 with no scan data was accepted (201) and stored as an
 * all-grey photo: libjpeg only warns about missing data. Such files are refused with a 422 naming them.
 */
describe('security finding 2: images with missing or truncated data are refused', () => {
  const intake = useIntakeApp('sec_corrupt');

  it('refuses a tiny JPEG that declares 7000×7000 and holds no scan data, and one whose scan data stops early, storing nothing', async () => {
    const { testApp, apiKey, policyId } = intake;
    const claim = await createClaim(testApp, apiKey, policyId);
    const hollow = await hollowJpeg();
    expect(hollow.length).toBeLessThan(1024);
    const photo = await noisePhoto(1200, 900, 5);
    const header = jpegHeaderThroughSos(photo);
    // Some scan data, then the end marker long before the declared pixels are covered.
    const cut = Buffer.concat([photo.subarray(0, header.length + 2000), Buffer.from([0xff, 0xd9])]);
    for (const [name, bytes] of [
      ['grey.jpg', hollow],
      ['cut-short.jpg', cut],
    ] as const) {
      const response = await uploadPhotos(testApp, apiKey, claim.id, [{ name, bytes }]);
      expect({ status: response.status, message: response.body.message }).toEqual({
        status: 422,
        message: expect.stringMatching(new RegExp(`^photo "${name.replace('.', '\\.')}": is truncated`)),
      });
    }
    const rows = (await testApp.database.dataSource.query(`SELECT count(*)::int AS n FROM photos WHERE claim_id = $1`, [
      claim.id,
    ])) as Array<{ n: number }>;
    expect(rows[0].n).toBe(0);
  });
});
