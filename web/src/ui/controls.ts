/**
 * Labelled form controls built from a `FieldSpec`: a text field read by the CLI's rules (with a linked
 * slider where the spec has one), a select, or a checkbox. The label shows the CLI flag and its help; an
 * invalid value marks the field (aria-invalid) and says why, next to it.
 */
import { type FieldSpec, parseNumber } from '../fields.js';
import { freshId, h } from './dom.js';

export interface Control {
  el: HTMLElement;
  /** The focusable control. */
  input: HTMLInputElement | HTMLSelectElement;
}

function labelFor(id: string, spec: FieldSpec, name?: string): HTMLLabelElement {
  return h('label', { for: id }, h('code', {}, name ?? spec.flag), ' ', h('span', { class: 'help' }, spec.help));
}

/**
 * A number field: empty means "not given" (the default applies, shown as the placeholder).
 * `onValue(undefined)` when cleared; invalid text keeps the previous value and shows the CLI's message.
 */
export function numberControl(
  spec: FieldSpec,
  value: number | undefined,
  placeholder: string,
  onValue: (v: number | undefined, valid: boolean) => void,
  name?: string,
): Control {
  const id = freshId('f');
  const errId = `${id}-err`;
  const input = h('input', {
    id,
    type: 'text',
    inputmode: 'decimal',
    autocomplete: 'off',
    spellcheck: 'false',
    placeholder,
    'aria-describedby': errId,
    'data-flag': spec.flag,
  });
  input.value = value === undefined ? '' : String(value);
  const err = h('span', { id: errId, class: 'field-error', 'aria-live': 'polite' });
  const row = h('div', { class: 'control-row' }, input);
  let slider: HTMLInputElement | null = null;
  const sl = spec.slider;
  const toSlider = (v: number) => (sl?.log ? Math.log(v) / Math.log(sl.log) : v);
  const fromSlider = (s: number) => {
    if (!sl?.log) return Number(s.toFixed(6));
    const v = sl.log ** s;
    return spec.rule === 'positiveInt' || spec.rule === 'nonNegativeInt' ? Math.round(v) : Number(v.toPrecision(3));
  };
  const syncSlider = (v: number | undefined) => {
    if (slider === null) return;
    const fallback = Number(placeholder.split(' ')[0]);
    const x = v ?? (Number.isFinite(fallback) ? fallback : undefined);
    if (x !== undefined && (!sl?.log || x > 0)) slider.value = String(toSlider(x));
  };
  if (sl) {
    slider = h('input', {
      type: 'range',
      min: sl.min,
      max: sl.max,
      step: sl.step,
      'aria-label': `${name ?? spec.flag} slider${sl.log ? ` (log${sl.log} scale)` : ''}`,
      tabindex: 0,
    });
    syncSlider(value);
    slider.addEventListener('input', () => {
      const v = fromSlider(Number(slider!.value));
      input.value = String(v);
      input.removeAttribute('aria-invalid');
      err.textContent = '';
      onValue(v, true);
    });
    row.append(slider);
  }
  input.addEventListener('input', () => {
    const text = input.value.trim();
    if (text === '') {
      input.removeAttribute('aria-invalid');
      err.textContent = '';
      syncSlider(undefined);
      onValue(undefined, true);
      return;
    }
    const r = parseNumber(spec.rule ?? 'finite', text);
    if (r.ok) {
      input.removeAttribute('aria-invalid');
      err.textContent = '';
      syncSlider(r.value);
      onValue(r.value, true);
    } else {
      input.setAttribute('aria-invalid', 'true');
      err.textContent = `${name ?? spec.flag}: ${r.message}`;
      onValue(undefined, false);
    }
  });
  return { el: h('div', { class: 'field' }, labelFor(id, spec, name), row, err), input };
}

/** A select over `choices`, with a first "default (...)" entry meaning "not given" when `defaultText` is set. */
export function choiceControl(
  spec: FieldSpec,
  value: string | undefined,
  defaultText: string | undefined,
  onValue: (v: string | undefined) => void,
  name?: string,
): Control {
  const id = freshId('f');
  const select = h('select', { id, 'data-flag': spec.flag });
  if (defaultText !== undefined) select.append(h('option', { value: '' }, defaultText));
  for (const c of spec.choices ?? []) select.append(h('option', { value: c }, c));
  select.value = value ?? (defaultText !== undefined ? '' : (spec.choices?.[0] ?? ''));
  select.addEventListener('change', () => onValue(select.value === '' ? undefined : select.value));
  return { el: h('div', { class: 'field' }, labelFor(id, spec, name), select), input: select };
}

/** A checkbox for a boolean flag (unchecked = not given). */
export function flagControl(spec: FieldSpec, value: boolean | undefined, onValue: (v: boolean) => void): Control {
  const id = freshId('f');
  const box = h('input', { id, type: 'checkbox', 'data-flag': spec.flag });
  box.checked = value === true;
  box.addEventListener('change', () => onValue(box.checked));
  const label = h(
    'label',
    { for: id, class: 'check' },
    box,
    ' ',
    h('code', {}, spec.flag),
    ' ',
    h('span', { class: 'help' }, spec.help),
  );
  return { el: h('div', { class: 'field' }, label), input: box };
}
