/**
 * The parameter table (src/methods/params.ts) and what derives from it: per-method types (checked by tsc, see
 * the @ts-expect-error lines), the run-time checks in the library's words, the CLI flags, the sweep rules and
 * the playground's fields, all agreeing on every value.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { addMethodOptions } from '../../src/cli/method-options.js';
import { OptlabError } from '../../src/errors.js';
import { CLI_VOICE, METHODS, resolveParams } from '../../src/methods/index.js';
import {
  checkParamValue,
  defaultsOf,
  flagOf,
  METHOD_NAMES,
  type MethodConfig,
  PARAM_NAMES,
  PARAMS,
  type ParamsOf,
  paramsOf,
} from '../../src/methods/params.js';
import { minimize } from '../../src/run/minimize.js';
import { PARAM_RULES } from '../../src/sweep/schema.js';
import { PARAM_FIELDS, parseNumber } from '../../web/src/fields.js';
import type { Quadratic } from '../helpers/problems.js';

// ---- compile-time: these lines are checked by `npm run typecheck` (tsc includes test/) ----
const ok1: MethodConfig = { method: 'lbfgs', memory: 5, lineSearch: 'armijo' };
const ok2: MethodConfig = { method: 'sgd', batch: 8, nesterov: true, momentum: 0.9 };
// @ts-expect-error sgd takes no memory
const bad1: MethodConfig = { method: 'sgd', memory: 3 };
// @ts-expect-error owlqn takes no step
const bad2: MethodConfig = { method: 'owlqn', step: 1 };
// @ts-expect-error lineSearch is one of three names
const bad3: MethodConfig = { method: 'gd', lineSearch: 'wolf' };
const sgdOnly: ParamsOf<'sgd'> = { step: 1, batch: 2, momentum: 0, nesterov: false };
void [ok1, ok2, bad1, bad2, bad3, sgdOnly];
function square(x: Float64Array, g: Float64Array): number {
  g[0] = 2 * x[0];
  return x[0] ** 2;
}
function typeChecksOfMinimize(p: Quadratic) {
  // @ts-expect-error a literal config is checked against its method in minimize() too
  minimize(p, { method: 'sgd', memory: 3 });
  // @ts-expect-error and in the function form's options
  minimize(square, [1], { method: 'gd', memory: 3 });
  minimize(p, { method: 'lbfgs', memory: 3 }, { onTrace: (pt) => void pt.value });
}
void typeChecksOfMinimize;

const throwsOptlab = (f: () => unknown, message: string | RegExp) =>
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof OptlabError, `expected an OptlabError, got ${e}`);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });

describe('parameter table', () => {
  it("every method's parameters and defaults come from the table", () => {
    assert.deepEqual(paramsOf('lbfgs'), ['step', 'lineSearch', 'c1', 'c2', 'memory']);
    assert.deepEqual(paramsOf('sgd'), ['step', 'batch', 'momentum', 'nesterov']);
    assert.deepEqual(defaultsOf('adam'), { step: 0.01, batch: 16, eps: 1e-8, beta1: 0.9, beta2: 0.999 });
    assert.deepEqual(defaultsOf('sbfgs'), { step: 0.01, batch: 128 }, 'memory unset: a dense H');
    for (const m of METHOD_NAMES) {
      assert.deepEqual(METHODS[m].params, paramsOf(m));
      assert.deepEqual(METHODS[m].defaults, defaultsOf(m));
      // every default obeys its own rule
      for (const [p, v] of Object.entries(defaultsOf(m)))
        assert.equal(checkParamValue(p as never, v), undefined, `${m}.${p}`);
    }
  });

  it('flags are the names in kebab case', () => {
    assert.equal(flagOf('lineSearch'), '--line-search');
    assert.equal(flagOf('beta1'), '--beta1');
  });

  it('the library, the sweep rule and the CLI parser agree on every value', () => {
    const program = addMethodOptions(new Command().exitOverride());
    const samples: unknown[] = [-1, 0, 0.5, 1, 1.5, 2, 16, 1e11, Number.NaN, true, false, 'none', 'wolfe', 'wolf', '1'];
    for (const p of PARAM_NAMES) {
      const opt = program.options.find((o) => o.long === flagOf(p));
      assert.ok(opt, `a CLI flag for ${p}`);
      for (const v of samples) {
        const lib = checkParamValue(p, v) === undefined;
        const sweep = PARAM_RULES[p].safeParse(v).success;
        assert.equal(sweep, lib, `sweep vs library on ${p} = ${String(v)}`);
        if (PARAMS[p].kind === 'number' || PARAMS[p].kind === 'integer') {
          if (typeof v !== 'number' || Number.isNaN(v)) continue;
          let cli = true;
          try {
            opt.parseArg?.(String(v), undefined);
          } catch {
            cli = false;
          }
          assert.equal(cli, lib, `CLI vs library on ${p} = ${v}`);
        }
      }
    }
  });

  it("the playground's fields are generated from the table", () => {
    assert.deepEqual(Object.keys(PARAM_FIELDS), PARAM_NAMES);
    assert.equal(PARAM_FIELDS.nesterov.kind, 'flag');
    assert.deepEqual(PARAM_FIELDS.lineSearch.choices, ['none', 'armijo', 'wolfe', 'more-thuente']);
    assert.equal(PARAM_FIELDS.batch.rule, 'positiveInt');
    assert.equal(PARAM_FIELDS.memory.rule, 'nonNegativeInt');
    assert.equal(PARAM_FIELDS.c1.fallback, '0.0001');
    assert.equal(parseNumber(PARAM_FIELDS.memory.rule!, '-1').ok, false);
  });
});

describe('resolveParams in the library’s words, with "did you mean"', () => {
  it('an unknown method', () => {
    throwsOptlab(() => resolveParams('LBFGS' as never, {}, 0), "unknown method 'LBFGS' (did you mean 'lbfgs'?)");
    throwsOptlab(() => resolveParams('proxgd' as never, {}, 0), "unknown method 'proxgd' (did you mean 'prox-gd'?)");
    throwsOptlab(() => resolveParams('newton' as never, {}, 0), /^unknown method 'newton' \(one of gd, sgd, /);
  });

  it('a mistyped parameter, and one the method does not take', () => {
    throwsOptlab(
      () => resolveParams('lbfgs', { memry: 3 } as never, 0),
      "parameter 'memry' is not a parameter of lbfgs (did you mean 'memory'?)",
    );
    throwsOptlab(
      () => resolveParams('sgd', { memory: 3 } as never, 0),
      "parameter 'memory' is not a parameter of sgd (sgd takes: step, batch, momentum, nesterov)",
    );
  });

  it('values and joint rules', () => {
    throwsOptlab(() => resolveParams('lbfgs', { memory: -1 }, 0), 'lbfgs: memory: expected an integer >= 0, got -1');
    throwsOptlab(() => resolveParams('gd', { step: '1' } as never, 0), "gd: step: expected a positive number, got '1'");
    throwsOptlab(() => resolveParams('sgd', { nesterov: true }, 0), 'sgd: nesterov needs momentum > 0');
    throwsOptlab(
      () => resolveParams('lbfgs', { c1: 0.9, c2: 0.5 }, 0),
      'lbfgs: need 0 < c1 < c2 < 1, got c1 = 0.9, c2 = 0.5',
    );
    throwsOptlab(() => resolveParams('gd', {}, 0.1), /^gd does not handle lambda > 0 \(L1\); use one of: prox-gd/);
  });

  it('the CLI voice names flags', () => {
    throwsOptlab(
      () => resolveParams('gd', { memory: 3 } as never, 0, CLI_VOICE),
      '--memory does not apply to --method gd (it takes: --step, --line-search, --c1, --c2)',
    );
    throwsOptlab(
      () => resolveParams('sgd', { nesterov: true }, 0, CLI_VOICE),
      '--method sgd: --nesterov needs --momentum > 0',
    );
  });
});
