import { RotationIndex } from './rotation-index';

const NOW = 1_800_000_000;
const names = (n: number) => Array.from({ length: n }, (_, i) => `c${i}`);
const build = (n: number, extra: Partial<ConstructorParameters<typeof RotationIndex>[0]> = {}) =>
  new RotationIndex({ names: names(n), disabled: [], cooldowns: [], ...extra });
const picks = (index: RotationIndex, count: number, model = 'pro', calls = 1, now = NOW) =>
  Array.from({ length: count }, () => index.pick(model, now, calls));

describe('RotationIndex', () => {
  it('rotates in insertion order, staying callsPerRotation picks on each', () => {
    expect(picks(build(3), 4)).toEqual(['c0', 'c1', 'c2', 'c0']);
    expect(picks(build(2), 5, 'pro', 2)).toEqual(['c0', 'c0', 'c1', 'c1', 'c0']);
  });

  it('skips disabled credentials and those cooling down for that model only', () => {
    const index = build(4, {
      disabled: ['c1'],
      cooldowns: [{ name: 'c2', modelCooldowns: { pro: NOW + 60 } }],
    });
    expect(picks(index, 3, 'pro')).toEqual(['c0', 'c3', 'c0']);
    expect(picks(index, 3, 'flash')).toEqual(['c0', 'c2', 'c3']);
    expect(index.eligibleCount('pro', NOW)).toBe(2);
  });

  it('makes a credential eligible again when its cooldown ends', () => {
    const index = build(2);
    index.setCooldown('c1', 'pro', NOW + 10, NOW);
    expect(picks(index, 2, 'pro', 1, NOW + 5)).toEqual(['c0', 'c0']);
    expect(picks(index, 2, 'pro', 1, NOW + 10)).toEqual(['c1', 'c0']);
  });

  it('ignores a replaced cooldown when the old one ends', () => {
    const index = build(1);
    index.setCooldown('c0', 'pro', NOW + 10, NOW);
    index.setCooldown('c0', 'pro', NOW + 100, NOW);
    expect(index.pick('pro', NOW + 50, 1)).toBeNull();
    expect(index.pick('pro', NOW + 100, 1)).toBe('c0');
  });

  it('answers null when nothing is eligible, and recovers on enable', () => {
    const index = build(2, { disabled: ['c0', 'c1'] });
    expect(index.pick('pro', NOW, 1)).toBeNull();
    index.setDisabled('c1', false, NOW);
    expect(index.pick('pro', NOW, 1)).toBe('c1');
  });

  it('moves on after rotateAway even within a turn', () => {
    const index = build(3);
    expect(index.pick('pro', NOW, 5)).toBe('c0');
    index.rotateAway('c0');
    expect(index.pick('pro', NOW, 5)).toBe('c1');
  });

  it('keeps the rotation position across a rebuild', () => {
    const first = build(4);
    expect(picks(first, 2)).toEqual(['c0', 'c1']);
    const second = new RotationIndex({ names: names(4), disabled: [], cooldowns: [] }, first);
    expect(picks(second, 2)).toEqual(['c2', 'c3']);
    const third = new RotationIndex(
      { names: ['c0', 'c1', 'c2', 'c4'], disabled: [], cooldowns: [] },
      second,
    );
    expect(third.pick('pro', NOW, 1)).toBe('c4');
  });
});
