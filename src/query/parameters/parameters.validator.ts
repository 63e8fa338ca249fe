import {
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { ParameterError, trinoLiteral } from './trino-literal';

/** The most parameters one request may bind. */
export const MAX_PARAMETERS = 1000;

/** What is wrong with `parameters`, naming the index, or undefined when all can be bound. */
export function parametersProblem(value: unknown): string | undefined {
  if (!Array.isArray(value)) return 'parameters must be an array';
  if (value.length > MAX_PARAMETERS)
    return `parameters must not hold more than ${MAX_PARAMETERS} values (got ${value.length})`;
  for (const [i, p] of value.entries()) {
    try {
      trinoLiteral(p);
    } catch (e) {
      if (!(e instanceof ParameterError)) throw e;
      return `parameters[${i}] ${e.message}`;
    }
  }
  return undefined;
}

/**
 * Checks `parameters` the way the statement will be built, so a value that cannot be bound is
 * a 400 naming its index before anything reaches Trino.
 */
@ValidatorConstraint({ name: 'bindableParameters' })
export class BindableParameters implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return parametersProblem(value) === undefined;
  }

  defaultMessage(args: ValidationArguments): string {
    return parametersProblem(args.value) ?? 'parameters are invalid';
  }
}
