/**
 * The run cards: one fieldset per run, generated from the method table (`METHODS`: each method's
 * parameters and defaults) and the field specs (flags, rules, sliders). A card is rebuilt only when its
 * method changes, so typing never loses focus.
 */
import { CLI_VOICE, METHOD_NAMES, METHODS, type MethodName, resolveParams } from '../../../src/methods/index.js';
import { cliCommand, defaultRun, INITS, type PlaygroundConfig, type RunSpec, runLabels, runLambda } from '../config.js';
import { BUDGET_FIELDS, BUDGET_NAMES, type BudgetName, DEFAULT_TOL, PARAM_FIELDS } from '../fields.js';
import { choiceControl, flagControl, numberControl } from './controls.js';
import { h } from './dom.js';

interface Card {
  el: HTMLFieldSetElement;
  legend: HTMLElement;
  cli: HTMLElement;
  error: HTMLElement;
  method: HTMLSelectElement;
  /** Flags whose text is currently invalid. */
  invalid: Set<string>;
}

function budgetPlaceholder(name: BudgetName, method: MethodName): string {
  const stochastic = METHODS[method].stochastic;
  if (name === 'tol') return `${DEFAULT_TOL} (default)`;
  if (name === 'maxIter' && !stochastic) return '1000 (default if no budget)';
  if (name === 'epochs' && stochastic) return '10 (default if no budget)';
  if (name === 'traceEvery') return 'every epoch';
  return 'none';
}

export class RunForms {
  private cards: Card[] = [];

  constructor(
    private readonly container: HTMLElement,
    private readonly config: () => PlaygroundConfig,
    private readonly changed: () => void,
  ) {}

  /** Rebuilds every card (after a configuration is restored, a run added or removed). */
  render(): void {
    this.container.replaceChildren();
    this.cards = this.config().runs.map((_, i) => this.card(i));
    for (const c of this.cards) this.container.append(c.el);
    this.refresh();
  }

  /** Updates legends, CLI lines and validity after any change (no rebuild). */
  refresh(): void {
    const cfg = this.config();
    const labels = runLabels(cfg.runs);
    this.cards.forEach((card, i) => {
      const run = cfg.runs[i];
      card.legend.textContent = `Run ${i + 1}: ${labels[i]}`;
      card.cli.textContent = cliCommand(cfg, i);
      let message = '';
      if (card.invalid.size > 0) message = `Fix ${[...card.invalid].join(', ')}.`;
      else {
        try {
          resolveParams(run.method, run.params, runLambda(run, cfg.problem), CLI_VOICE);
        } catch (e) {
          message = (e as Error).message;
        }
      }
      card.error.textContent = message;
      card.el.classList.toggle('invalid', message !== '');
    });
  }

  /** Messages of the cards that cannot run, empty when all can. */
  problems(): string[] {
    return this.cards
      .map((c, i) => (c.error.textContent ? `Run ${i + 1}: ${c.error.textContent}` : ''))
      .filter(Boolean);
  }

  add(method: MethodName = 'lbfgs'): void {
    const runs = this.config().runs;
    const last = runs[runs.length - 1];
    runs.push(last ? { ...structuredClone(last), seed: last.seed + 1 } : defaultRun(method));
    this.render();
    this.changed();
    this.cards[this.cards.length - 1]?.method.focus();
  }

  private card(i: number): Card {
    const run = this.config().runs[i];
    const spec = METHODS[run.method];
    const legend = h('legend', {});
    const invalid = new Set<string>();
    const update = () => {
      this.refresh();
      this.changed();
    };
    const track = (flag: string, valid: boolean) => {
      if (valid) invalid.delete(flag);
      else invalid.add(flag);
    };

    const methodSelect = h('select', { id: `method-${i + 1}`, 'data-flag': '--method' });
    for (const m of METHOD_NAMES) methodSelect.append(h('option', { value: m }, m));
    methodSelect.value = run.method;
    methodSelect.addEventListener('change', () => {
      const runs = this.config().runs;
      const m = methodSelect.value as MethodName;
      // A new method starts from its own defaults (an SGD step of 0.1 means nothing to L-BFGS); the
      // budgets, seed and start are the run's and stay.
      // A run's own λ stays when the new method handles L1 too.
      const { lambda, ...rest } = runs[i];
      runs[i] = { ...rest, method: m, params: {}, ...(lambda !== undefined && METHODS[m].handlesL1 ? { lambda } : {}) };
      const fresh = this.card(i);
      this.cards[i].el.replaceWith(fresh.el);
      this.cards[i] = fresh;
      update();
      fresh.method.focus();
    });
    const methodField = h(
      'div',
      { class: 'field method' },
      h('label', { for: methodSelect.id }, h('code', {}, '--method'), ' ', h('span', { class: 'help' }, 'optimizer')),
      methodSelect,
      h('p', { class: 'summary' }, `${spec.summary}. `, h('span', { class: 'ref' }, spec.reference)),
    );

    const params = h('div', { class: 'grid' });
    for (const name of spec.params) {
      const f = PARAM_FIELDS[name];
      const def = spec.defaults[name];
      const target = run.params as Record<string, unknown>;
      const set = (v: unknown) => {
        if (v === undefined) delete target[name];
        else target[name] = v;
      };
      if (f.kind === 'flag') {
        params.append(
          flagControl(f, run.params[name] as boolean | undefined, (v) => {
            set(v ? true : undefined);
            update();
          }).el,
        );
      } else if (f.kind === 'choice') {
        params.append(
          choiceControl(f, run.params[name] as string | undefined, `default (${def ?? 'none'})`, (v) => {
            set(v);
            update();
          }).el,
        );
      } else {
        const placeholder = def !== undefined ? `${def} (default)` : `${f.fallback ?? 'none'} (default)`;
        params.append(
          numberControl(f, run.params[name] as number | undefined, placeholder, (v, valid) => {
            track(f.flag, valid);
            if (valid) set(v);
            update();
          }).el,
        );
      }
    }

    if (spec.handlesL1) {
      params.append(
        numberControl(
          { flag: '--lambda', kind: 'number', rule: 'nonNegative', help: "this run's L1 weight λ" },
          run.lambda,
          "the problem's λ",
          (v, valid) => {
            track('--lambda (run)', valid);
            if (valid) {
              const r = this.config().runs[i];
              if (v === undefined) delete r.lambda;
              else r.lambda = v;
            }
            update();
          },
        ).el,
      );
    }

    const start = h('div', { class: 'grid' });
    start.append(
      numberControl(
        { flag: '--seed', kind: 'number', rule: 'finite', help: 'seed of the start and the mini-batches' },
        run.seed === 0 ? undefined : run.seed,
        '0 (default)',
        (v, valid) => {
          track('--seed', valid);
          if (valid) this.config().runs[i].seed = v ?? 0;
          update();
        },
      ).el,
      choiceControl(
        { flag: '--init', kind: 'choice', choices: INITS, help: 'starting point' },
        run.init,
        undefined,
        (v) => {
          this.config().runs[i].init = (v ?? 'zeros') as RunSpec['init'];
          update();
        },
      ).el,
    );

    const budgets = h('div', { class: 'grid' });
    for (const name of BUDGET_NAMES) {
      if ((name === 'epochs' || name === 'traceEvery') && !spec.stochastic) continue;
      const f = BUDGET_FIELDS[name];
      budgets.append(
        numberControl(f, run.budgets[name], budgetPlaceholder(name, run.method), (v, valid) => {
          track(f.flag, valid);
          const b = this.config().runs[i].budgets;
          if (valid) {
            if (v === undefined) delete b[name];
            else b[name] = v;
          }
          update();
        }).el,
      );
    }

    const cli = h('code', {});
    const error = h('p', { class: 'card-error', 'aria-live': 'polite' });
    const remove = h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        onclick: () => {
          this.config().runs.splice(i, 1);
          this.render();
          this.changed();
          document.getElementById('add-run')?.focus();
        },
      },
      `Remove run ${i + 1}`,
    );
    const el = h(
      'fieldset',
      { class: 'run-card' },
      legend,
      methodField,
      params.childElementCount > 0 ? h('div', { class: 'group' }, h('h4', {}, 'Parameters'), params) : null,
      h('div', { class: 'group' }, h('h4', {}, 'Start'), start),
      h('details', {}, h('summary', {}, 'Budgets and tolerance'), budgets),
      h('p', { class: 'cli' }, h('span', { class: 'cli-label' }, 'Same run on the command line: '), cli),
      error,
      h('div', { class: 'card-actions' }, remove),
    );
    return { el, legend, cli, error, method: methodSelect, invalid };
  }
}
