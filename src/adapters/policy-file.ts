/** Reads a policy YAML file and validates it. */
import { readFile } from 'node:fs/promises';
import { parse } from 'yaml';
import { PolicyError, validatePolicy, type Policy } from '../domain/policy.ts';

export async function loadPolicyFile(path: string): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new PolicyError([`cannot read the file: ${(err as Error).message}`], path);
  }
  let data: unknown;
  try {
    data = parse(text, { prettyErrors: true });
  } catch (err) {
    throw new PolicyError([`not valid YAML: ${(err as Error).message}`], path);
  }
  return validatePolicy(data, path);
}
