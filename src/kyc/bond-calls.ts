import { BondRequestError, BondUnavailableError } from "../bond/bond-client.js";
import { camelCaseFields, UpstreamRejected, UpstreamUnavailable, ValidationFailed } from "../domain/errors.js";

/** Calls Bond and maps the client's failures that are not specific to one use case into domain errors. */
export async function callBond<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof BondUnavailableError) throw new UpstreamUnavailable(error.reason);
    if (error instanceof BondRequestError) {
      if (error.fields) throw new ValidationFailed(camelCaseFields(error.fields), `Bond refused the request (${error.code}).`);
      if (error.status === 404) throw new UpstreamRejected(error.code, "Bond does not know this customer.");
      throw new UpstreamRejected(error.code, error.message);
    }
    throw error;
  }
}
