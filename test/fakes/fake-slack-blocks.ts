import { fail } from './fake-slack-args.js';
import type { SlackResult } from './fake-slack-types.js';

/** A Block Kit problem at a JSON pointer, as Slack words it (`[ERROR] … [json-pointer:/blocks/0/…]`). */
interface BlockProblem {
  pointer: string;
  message: string;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks a text object: `plain_text` (or, where allowed, `mrkdwn`) with a non-empty `text` of at
 * most `max` chars.
 */
function checkText(value: unknown, pointer: string, max: number, problems: BlockProblem[], plainOnly = true): void {
  if (!isObject(value)) return void problems.push({ pointer, message: 'must provide an object' });
  if (value.type !== 'plain_text' && (plainOnly || value.type !== 'mrkdwn')) {
    return void problems.push({ pointer: `${pointer}/type`, message: plainOnly ? 'must be plain_text' : 'must be one of plain_text, mrkdwn' });
  }
  if (typeof value.text !== 'string' || value.text.length === 0) return void problems.push({ pointer: `${pointer}/text`, message: 'must be more than 0 characters' });
  if (value.text.length > max) problems.push({ pointer: `${pointer}/text`, message: `must be less than ${max + 1} characters` });
}

function checkString(value: unknown, pointer: string, max: number, problems: BlockProblem[], required: boolean): void {
  if (value === undefined && !required) return;
  if (typeof value !== 'string' || value.length === 0) return void problems.push({ pointer, message: 'must be more than 0 characters' });
  if (value.length > max) problems.push({ pointer, message: `must be less than ${max + 1} characters` });
}

/** One button of a `feedback_buttons` element: plain_text `text` (≤ 75), `value` (≤ 2,000), optional `accessibility_label` (≤ 75). */
function checkFeedbackButton(button: unknown, pointer: string, problems: BlockProblem[]): void {
  if (!isObject(button)) return void problems.push({ pointer, message: 'must provide an object' });
  checkText(button.text, `${pointer}/text`, 75, problems);
  checkString(button.value, `${pointer}/value`, 2000, problems, true);
  checkString(button.accessibility_label, `${pointer}/accessibility_label`, 75, problems, false);
}

/** A `button` element (in an `actions` block): plain_text `text` ≤ 75, `value` ≤ 2,000, `action_id` ≤ 255. */
function checkButton(element: Json, pointer: string, problems: BlockProblem[]): void {
  checkText(element.text, `${pointer}/text`, 75, problems);
  checkString(element.value, `${pointer}/value`, 2000, problems, false);
  checkString(element.url, `${pointer}/url`, 3000, problems, false);
}

/**
 * The `context_actions` block (docs.slack.dev "Context actions block"): `elements` 1–5
 * `feedback_buttons` or `icon_button`; a `feedback_buttons` element needs `positive_button` and
 * `negative_button` ("Feedback buttons element").
 */
function checkContextActions(block: Json, pointer: string, problems: BlockProblem[]): void {
  const elements = block.elements;
  if (!Array.isArray(elements) || elements.length === 0) return void problems.push({ pointer: `${pointer}/elements`, message: 'must provide an array with at least 1 item' });
  if (elements.length > 5) problems.push({ pointer: `${pointer}/elements`, message: 'must provide an array with no more than 5 items' });
  elements.forEach((element, index) => {
    const at = `${pointer}/elements/${index}`;
    if (!isObject(element)) return void problems.push({ pointer: at, message: 'must provide an object' });
    checkString(element.action_id, `${at}/action_id`, 255, problems, false);
    if (element.type === 'feedback_buttons') {
      for (const name of ['positive_button', 'negative_button']) {
        if (element[name] === undefined) problems.push({ pointer: `${at}/${name}`, message: `missing required field: ${name}` });
        else checkFeedbackButton(element[name], `${at}/${name}`, problems);
      }
    } else if (element.type === 'icon_button') {
      checkText(element.text, `${at}/text`, 75, problems);
      checkString(element.icon, `${at}/icon`, 255, problems, true);
    } else {
      problems.push({ pointer: `${at}/type`, message: 'must be one of feedback_buttons, icon_button' });
    }
  });
}

/** An `input` block (modals): plain_text `label` ≤ 2,000 and a `plain_text_input` element with `max_length` ≤ 3,000. */
function checkInput(block: Json, pointer: string, problems: BlockProblem[]): void {
  checkText(block.label, `${pointer}/label`, 2000, problems);
  const element = block.element;
  if (!isObject(element)) return void problems.push({ pointer: `${pointer}/element`, message: 'must provide an object' });
  checkString(element.action_id, `${pointer}/element/action_id`, 255, problems, false);
  if (element.type === 'plain_text_input' && element.max_length !== undefined && (typeof element.max_length !== 'number' || element.max_length < 1 || element.max_length > 3000)) {
    problems.push({ pointer: `${pointer}/element/max_length`, message: 'must be between 1 and 3000' });
  }
}

function checkBlock(block: unknown, pointer: string, surface: 'message' | 'modal', problems: BlockProblem[]): void {
  if (!isObject(block) || typeof block.type !== 'string') return void problems.push({ pointer, message: 'must provide an object with a type' });
  checkString(block.block_id, `${pointer}/block_id`, 255, problems, false);
  switch (block.type) {
    case 'context_actions':
      if (surface !== 'message') problems.push({ pointer: `${pointer}/type`, message: 'context_actions is only supported in messages' });
      return checkContextActions(block, pointer, problems);
    case 'actions': {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length === 0 || elements.length > 25) return void problems.push({ pointer: `${pointer}/elements`, message: 'must provide an array of 1 to 25 items' });
      elements.forEach((element, index) => {
        if (!isObject(element)) return void problems.push({ pointer: `${pointer}/elements/${index}`, message: 'must provide an object' });
        checkString(element.action_id, `${pointer}/elements/${index}/action_id`, 255, problems, false);
        if (element.type === 'button') checkButton(element, `${pointer}/elements/${index}`, problems);
      });
      return;
    }
    case 'section':
      if (block.text !== undefined) checkText(block.text, `${pointer}/text`, 3000, problems, false);
      return;
    case 'input':
      if (surface !== 'modal') problems.push({ pointer: `${pointer}/type`, message: 'input blocks are only supported in modals and App Home' });
      return checkInput(block, pointer, problems);
    default:
      // Other block types are accepted as they are (the crew does not send them).
      return;
  }
}

/** Problems of a `blocks` array (≤ 50 in a message, ≤ 100 in a modal; unique `block_id`s). */
function findBlockProblems(blocks: unknown[], surface: 'message' | 'modal', root: string): BlockProblem[] {
  const problems: BlockProblem[] = [];
  const limit = surface === 'message' ? 50 : 100;
  if (blocks.length > limit) problems.push({ pointer: root, message: `must provide an array with no more than ${limit} items` });
  const seen = new Set<string>();
  blocks.forEach((block, index) => {
    checkBlock(block, `${root}/${index}`, surface, problems);
    const blockId = isObject(block) ? block.block_id : undefined;
    if (typeof blockId === 'string') {
      if (seen.has(blockId)) problems.push({ pointer: `${root}/${index}/block_id`, message: 'must be unique within the blocks' });
      seen.add(blockId);
    }
  });
  return problems;
}

function describeProblems(error: string, problems: BlockProblem[]): SlackResult {
  return { ...fail(error), response_metadata: { messages: problems.map((problem) => `[ERROR] ${problem.message} [json-pointer:${problem.pointer}]`) } };
}

/** Validates a message's `blocks` like Slack: `invalid_blocks` with one `[ERROR]` line per problem, else undefined. */
export function validateMessageBlocks(blocks: unknown[] | undefined): SlackResult | undefined {
  if (blocks === undefined) return undefined;
  const problems = findBlockProblems(blocks, 'message', '/blocks');
  return problems.length > 0 ? describeProblems('invalid_blocks', problems) : undefined;
}

/**
 * Validates a modal `view` like `views.open`: `type: modal`, plain_text `title` ≤ 24, `submit`
 * and `close` ≤ 24 (`submit` required with input blocks), `callback_id` ≤ 255,
 * `private_metadata` ≤ 3,000, `blocks` (≤ 100). Problems answer `invalid_arguments`.
 */
export function validateModalView(view: unknown): SlackResult | undefined {
  if (!isObject(view)) return fail('invalid_arguments', 'missing required field: view');
  const problems: BlockProblem[] = [];
  if (view.type !== 'modal') problems.push({ pointer: '/view/type', message: 'must be modal' });
  checkText(view.title, '/view/title', 24, problems);
  if (view.submit !== undefined) checkText(view.submit, '/view/submit', 24, problems);
  if (view.close !== undefined) checkText(view.close, '/view/close', 24, problems);
  checkString(view.callback_id, '/view/callback_id', 255, problems, false);
  if (view.private_metadata !== undefined && (typeof view.private_metadata !== 'string' || view.private_metadata.length > 3000)) {
    problems.push({ pointer: '/view/private_metadata', message: 'must be less than 3001 characters' });
  }
  if (!Array.isArray(view.blocks)) problems.push({ pointer: '/view/blocks', message: 'must provide an array' });
  else {
    problems.push(...findBlockProblems(view.blocks, 'modal', '/view/blocks'));
    if (view.submit === undefined && view.blocks.some((block) => isObject(block) && block.type === 'input')) {
      problems.push({ pointer: '/view/submit', message: 'must provide submit when the view has input blocks' });
    }
  }
  return problems.length > 0 ? describeProblems('invalid_arguments', problems) : undefined;
}
