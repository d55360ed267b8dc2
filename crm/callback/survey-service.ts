// Places 回访 survey calls to citizens through the carrier trunk and runs the survey flow on each.
// The outcome goes to a sink (the work-order service records the rating as the system actor).
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { PromptSet } from '../../telephony/prompts.js';
import type { CallControl, TelephonyEvent } from '../../telephony/call-control.js';
import type { RatingScores } from '../../contracts/work-order-model.js';
import { initialSurvey, surveyStep, type SurveyCommand, type SurveyEvent, type SurveyState } from './survey-flow.js';

export interface SurveyOutcomeSink {
  completed(orderCode: string, scores: RatingScores): Promise<void>;
  /** no_answer: the citizen never picked up; hung_up / no_valid_answer: picked up but did not finish. */
  incomplete(orderCode: string, reason: 'no_answer' | 'hung_up' | 'no_valid_answer' | 'failed'): Promise<void>;
}

interface Survey {
  id: string;
  orderCode: string;
  channelId: string;
  state: SurveyState;
  answered: boolean;
  timers: Map<string, NodeJS.Timeout>;
  log: Logger;
  reported: boolean;
}

export const SURVEY_RING_SECONDS = 40;

export class SurveyService {
  private readonly byChannel = new Map<string, Survey>();

  constructor(private readonly d: { telephony: CallControl; prompts: PromptSet; sink: SurveyOutcomeSink; callerId: string; log: Logger }) {}

  /** Calls the citizen; resolves once Asterisk accepted the call (the survey itself runs on its own). */
  async start(orderCode: string, phone: string): Promise<string> {
    const id = randomUUID();
    const channelId = `survey-${id}`;
    const log = this.d.log.child({ surveyId: id, orderCode, channelId });
    const survey: Survey = { id, orderCode, channelId, state: initialSurvey(), answered: false, timers: new Map(), log, reported: false };
    this.byChannel.set(channelId, survey);
    try {
      await this.d.telephony.originate({
        channelId,
        target: { trunkNumber: phone.replace(/[^\d]/g, '') },
        callerNumber: this.d.callerId,
        callerName: this.d.callerId,
        timeoutSeconds: SURVEY_RING_SECONDS,
        tag: `survey:${id}`,
      });
    } catch (err) {
      this.byChannel.delete(channelId);
      log.warn({ err: String(err) }, 'survey call could not be placed');
      await this.d.sink.incomplete(orderCode, 'failed');
      throw err;
    }
    log.info('survey call placed');
    return id;
  }

  /** Claims the telephony events of survey channels; returns false for everything else. */
  handleTelephony(ev: TelephonyEvent): boolean {
    if (!('channelId' in ev)) return false;
    const survey = this.byChannel.get(ev.channelId);
    if (!survey) return false;
    switch (ev.type) {
      case 'leg_answered':
        survey.answered = true;
        survey.log.info('citizen answered the survey call');
        this.step(survey, { type: 'answered' });
        return true;
      case 'dtmf':
        survey.log.debug({ digit: ev.digit, step: survey.state.step }, 'survey digit');
        this.step(survey, { type: 'digit', digit: ev.digit });
        return true;
      case 'playback_finished':
        this.step(survey, { type: 'playback_finished', playbackId: ev.playbackId });
        return true;
      case 'channel_gone':
        this.byChannel.delete(ev.channelId);
        survey.timers.forEach((t) => clearTimeout(t));
        if (!survey.answered) {
          survey.log.info({ cause: ev.causeText }, 'survey call not answered');
          this.report(survey, () => this.d.sink.incomplete(survey.orderCode, 'no_answer'));
        } else {
          this.step(survey, { type: 'hung_up' });
        }
        return true;
      default:
        return true;
    }
  }

  private step(survey: Survey, ev: SurveyEvent): void {
    const next = surveyStep(survey.state, ev, () => randomUUID());
    survey.state = next.state;
    for (const c of next.commands) this.execute(survey, c);
  }

  private execute(survey: Survey, c: SurveyCommand): void {
    const t = this.d.telephony;
    const warn = (what: string) => (err: unknown) => survey.log.warn({ err: String(err) }, `${what} failed`);
    switch (c.type) {
      case 'play':
        void t.play(survey.channelId, `sound:${this.d.prompts[c.prompt]}`, c.playbackId).catch(warn('play'));
        return;
      case 'stop_playback':
        void t.stopPlayback(c.playbackId).catch(warn('stop playback'));
        return;
      case 'start_timer': {
        const timer = setTimeout(() => {
          survey.timers.delete(c.timerId);
          this.step(survey, { type: 'timeout', timerId: c.timerId });
        }, c.ms);
        timer.unref();
        survey.timers.set(c.timerId, timer);
        return;
      }
      case 'hangup':
        void t.hangup(survey.channelId).catch(warn('hang-up'));
        return;
      case 'completed':
        survey.log.info({ scores: c.scores }, 'survey completed');
        this.report(survey, () => this.d.sink.completed(survey.orderCode, c.scores));
        return;
      case 'incomplete':
        survey.log.info({ reason: c.reason, answered: c.answered }, 'survey incomplete');
        this.report(survey, () => this.d.sink.incomplete(survey.orderCode, c.reason));
        return;
    }
  }

  /** One outcome per survey; a failing sink is logged, never thrown into the call's event handling. */
  private report(survey: Survey, fn: () => Promise<void>): void {
    if (survey.reported) return;
    survey.reported = true;
    fn().catch((err) => survey.log.error({ err }, 'could not record the survey outcome'));
  }
}
