import { fail, requireArgs, str } from './fake-slack-args.js';
import type { SlackMethodHandler } from './fake-slack-args.js';
import { validateModalView } from './fake-slack-blocks.js';

/** Slack lets an app exchange a `trigger_id` for a modal within 3 seconds of the interaction. */
export const TRIGGER_LIFETIME_MS = 3000;

/** A modal opened with `views.open`, as the fake recorded it. */
export interface OpenedView {
  id: string;
  /** The person whose interaction issued the trigger (the modal opens for them). */
  userId: string;
  triggerId: string;
  /** The view as the app sent it. */
  view: Record<string, unknown>;
  at: number;
}

/** Input typed into a modal: `{ [block_id]: { [action_id]: text } }`. */
export type ModalInput = Record<string, Record<string, string>>;

interface Trigger {
  userId: string;
  issuedAt: number;
  exchanged: boolean;
}

/**
 * Modals in the fake Slack: triggers issued with interactions (`issueTrigger`, used by the
 * payload builders), `views.open` strict as Slack is — an unknown trigger answers
 * `invalid_arguments` ("invalid `trigger_id`"), one older than 3 seconds `expired_trigger_id`,
 * one already used `exchanged_trigger_id`, an invalid view `invalid_arguments` with `[ERROR]`
 * lines, a view over 250 kB `view_too_large` — and the `view_submission` payload a modal's
 * submit sends.
 */
export class FakeSlackViews {
  readonly opened: OpenedView[] = [];
  private readonly triggers = new Map<string, Trigger>();
  private counter = 0;

  constructor(private readonly now: () => number = () => Date.now()) {}

  /** A fresh trigger id for an interaction by `userId` (Slack's shape: `<n>.<n>.<hex>`). */
  issueTrigger(userId: string): string {
    this.counter += 1;
    const id = `${1_000_000 + this.counter}.${Math.floor(this.now() / 1000)}.${(this.counter * 2_654_435_761).toString(16).padStart(8, '0')}`;
    this.triggers.set(id, { userId, issuedAt: this.now(), exchanged: false });
    return id;
  }

  /** Modals opened for `userId`, oldest first. */
  openedFor(userId: string): OpenedView[] {
    return this.opened.filter((view) => view.userId === userId);
  }

  reset(): void {
    this.opened.length = 0;
    this.triggers.clear();
  }

  /** `views.open`. */
  readonly open: SlackMethodHandler = (args, ctx) => {
    const missing = requireArgs(args, ['trigger_id']);
    if (missing) return missing;
    const raw = args['view'];
    if (raw === undefined || raw === '') return fail('invalid_arguments', 'missing required field: view');
    let view: unknown = raw;
    if (typeof raw === 'string') {
      if (raw.length > 250_000) return fail('view_too_large');
      try {
        view = JSON.parse(raw);
      } catch {
        return fail('invalid_arguments', 'view must be a JSON-encoded string');
      }
    }
    const triggerId = str(args, 'trigger_id') as string;
    const trigger = this.triggers.get(triggerId);
    if (!trigger) return fail('invalid_arguments', 'invalid `trigger_id`');
    if (this.now() - trigger.issuedAt > TRIGGER_LIFETIME_MS) return fail('expired_trigger_id');
    if (trigger.exchanged) return fail('exchanged_trigger_id');
    const invalid = validateModalView(view);
    if (invalid) return invalid;
    trigger.exchanged = true;
    const sent = view as Record<string, unknown>;
    const id = `V${String(this.opened.length + 1).padStart(9, '0')}`;
    this.opened.push({ id, userId: trigger.userId, triggerId, view: sent, at: this.now() });
    return {
      ok: true,
      view: {
        id,
        team_id: ctx.identity.teamId,
        app_id: ctx.identity.appId,
        bot_id: ctx.identity.botId,
        type: 'modal',
        blocks: sent.blocks,
        title: sent.title,
        ...(sent.submit !== undefined ? { submit: sent.submit } : {}),
        ...(sent.close !== undefined ? { close: sent.close } : {}),
        private_metadata: typeof sent.private_metadata === 'string' ? sent.private_metadata : '',
        callback_id: typeof sent.callback_id === 'string' ? sent.callback_id : '',
        external_id: '',
        state: { values: {} },
        hash: `${Math.floor(this.now() / 1000)}.${id}`,
        clear_on_close: false,
        notify_on_close: false,
        root_view_id: id,
        previous_view_id: null,
      },
    };
  };

  /**
   * The `view_submission` payload Slack sends when the person presses the modal's submit:
   * the view as opened, with `state.values` holding what they typed into its inputs.
   */
  buildSubmission(opened: OpenedView, input: ModalInput, identity: { teamId: string; appId: string; botId: string }): Record<string, unknown> {
    const values: Record<string, Record<string, { type: string; value: string }>> = {};
    for (const [blockId, actions] of Object.entries(input)) {
      values[blockId] = Object.fromEntries(Object.entries(actions).map(([actionId, value]) => [actionId, { type: 'plain_text_input', value }]));
    }
    const view = opened.view;
    return {
      type: 'view_submission',
      team: { id: identity.teamId, domain: 'fake-team' },
      user: { id: opened.userId, username: 'asker', name: 'asker', team_id: identity.teamId },
      api_app_id: identity.appId,
      token: 'verification-token',
      trigger_id: this.issueTrigger(opened.userId),
      view: {
        id: opened.id,
        team_id: identity.teamId,
        type: 'modal',
        blocks: view.blocks,
        private_metadata: typeof view.private_metadata === 'string' ? view.private_metadata : '',
        callback_id: typeof view.callback_id === 'string' ? view.callback_id : '',
        state: { values },
        hash: `${Math.floor(this.now() / 1000)}.${opened.id}`,
        title: view.title,
        ...(view.submit !== undefined ? { submit: view.submit } : {}),
        ...(view.close !== undefined ? { close: view.close } : {}),
        clear_on_close: false,
        notify_on_close: false,
        root_view_id: opened.id,
        previous_view_id: null,
        app_id: identity.appId,
        external_id: '',
        app_installed_team_id: identity.teamId,
        bot_id: identity.botId,
      },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
  }
}
