// The 12345 hotline flow: the optional language menu.
import { describe, expect, it } from 'vitest';
import { buildHotlineFlow, DEFAULT_LANGUAGES, HOTLINE_STEPS as S } from './hotline-flow.js';
import { driveFlow, ofType, plays, reports, types } from './testing.js';
import { WITH_MENU, atLanguageMenu, call } from './hotline-flow-testing.js';

describe('hotline flow: language menu', () => {
  it('given the menu is on, when the hint has played, then the menu prompt and each language option are played in turn', () => {
    const d = call(WITH_MENU);
    d.finish();
    expect(plays(d.finish())).toEqual(['language-menu']);
    expect(plays(d.finish())).toEqual(['language-mandarin']);
    expect(plays(d.finish())).toEqual(['language-english']);
    expect(types(d.finish())).toEqual(['start_timer']);
  });

  it.each([
    ['2', null, 'zh'],
    ['3', 'english', 'en'],
  ])('given the menu, when the caller presses %s, then the call is queued with skill hint %s', (key, skillHint, language) => {
    const d = atLanguageMenu();
    d.playThrough();
    const cmds = d.press(key);
    expect(cmds).toEqual([
      { type: 'cancel_timer', timerId: 'id6' },
      { type: 'enqueue', queue: 'general', skillHint },
      { type: 'report', outcome: { kind: 'queued', queue: 'general', skillHint, language } },
    ]);
  });

  it('given a dialect seat, when the caller presses its key, then its skill hint is used', () => {
    const yue = { id: 'yue', labelZh: '粤语', digit: '4', skillHint: 'cantonese', prompt: 'language-cantonese' };
    const d = call({ languageMenu: { enabled: true, languages: [...DEFAULT_LANGUAGES, yue] } });
    d.finish();
    d.finish();
    expect(plays(d.playThrough())).toEqual(['language-mandarin', 'language-english', 'language-cantonese']);
    expect(ofType(d.press('4'), 'enqueue')).toEqual([{ type: 'enqueue', queue: 'general', skillHint: 'cantonese' }]);
  });

  it('given a key pressed during the menu prompt, when it is a valid choice, then the prompt is stopped and the choice taken', () => {
    const d = atLanguageMenu();
    expect(d.state.playbackId).toBe('id3');
    expect(d.press('3')).toEqual([
      { type: 'stop_playback', playbackId: 'id3' },
      { type: 'enqueue', queue: 'general', skillHint: 'english' },
      { type: 'report', outcome: { kind: 'queued', queue: 'general', skillHint: 'english', language: 'en' } },
    ]);
  });

  it('given a key typed ahead during the greeting, when the menu comes, then it is taken without playing the menu', () => {
    const d = call(WITH_MENU);
    d.press('3');
    d.finish();
    const cmds = d.finish();
    expect(plays(cmds)).toEqual([]);
    expect(ofType(cmds, 'enqueue')).toEqual([{ type: 'enqueue', queue: 'general', skillHint: 'english' }]);
  });

  it('given a key pressed before the call started, when the menu comes, then it is taken as typed ahead', () => {
    const d = driveFlow(buildHotlineFlow(WITH_MENU));
    d.press('3');
    d.send({ type: 'started' });
    expect(ofType(d.playThrough(), 'enqueue')).toEqual([{ type: 'enqueue', queue: 'general', skillHint: 'english' }]);
  });

  it('given an invalid key, when pressed, then "input invalid" and the menu are played again', () => {
    const d = atLanguageMenu();
    d.playThrough();
    const cmds = d.press('9');
    expect(types(cmds)).toEqual(['cancel_timer', 'play']);
    expect(plays(cmds)).toEqual(['ivr-invalid-input']);
    expect(plays(d.playThrough())).toEqual(['language-menu', 'language-mandarin', 'language-english']);
    expect(d.state.tries).toBe(1);
  });

  it('given invalid keys three times, when the third comes, then the caller goes to an agent', () => {
    const d = atLanguageMenu();
    d.press('9');
    d.press('8');
    const cmds = d.press('7');
    expect(reports(cmds)).toEqual([
      { kind: 'no_valid_input', step: S.language },
      { kind: 'queued', queue: 'general', skillHint: null, language: null },
    ]);
    expect(ofType(cmds, 'enqueue')).toHaveLength(1);
    expect(plays(d.log).filter((p) => p === 'ivr-invalid-input')).toHaveLength(2);
  });

  it('given no input, when the caller stays silent three times, then the menu is re-prompted twice and the caller goes to an agent', () => {
    const d = atLanguageMenu();
    d.playThrough();
    expect(plays(d.expire())).toEqual(['language-menu']); // no "invalid" for silence
    d.playThrough();
    expect(plays(d.expire())).toEqual(['language-menu']);
    d.playThrough();
    const cmds = d.expire();
    expect(ofType(cmds, 'enqueue')).toEqual([{ type: 'enqueue', queue: 'general', skillHint: null }]);
    expect(ofType(d.log, 'start_timer')).toHaveLength(3);
    expect(d.state.status).toBe('queued');
  });

  it('given a wrong key then a right one typed ahead, when the menu comes, then the typed-ahead keys after the wrong one are dropped', () => {
    const d = call(WITH_MENU);
    d.press('93');
    d.finish();
    const cmds = d.finish();
    expect(plays(cmds)).toEqual(['ivr-invalid-input']);
    expect(ofType(cmds, 'enqueue')).toEqual([]);
    expect(d.state.typedAhead).toEqual([]);
  });
});
