/**
 * Validates a view's blocks as Slack does for `views.publish`, from the Block Kit reference on
 * docs.slack.dev (and the limits `@slack/types` documents in `block-kit/blocks.d.ts` and
 * `views.d.ts`): at most 100 blocks; `block_id` ≤ 255 and unique; `header` plain_text ≤ 150;
 * `section` text 1–3000 or 1–10 `fields` of ≤ 2000; `context` 1–10 elements; `actions` 1–25
 * elements (buttons: plain_text ≤ 75, `action_id` ≤ 255 and unique in the block, `value` ≤ 2000);
 * `divider`. Slack answers a bad view with `invalid_arguments` and a message naming the problem
 * and its JSON pointer (`[ERROR] must be less than 151 characters [json-pointer:/view/blocks/0/text/text]`);
 * this returns that message, or undefined for a valid view. Block types the fake does not model
 * are refused with a message saying so, so a test never passes on a block nobody checked.
 */
export function findViewBlockProblem(blocks: unknown): string | undefined {
  if (!Array.isArray(blocks)) return at('must be an array', '/view/blocks');
  if (blocks.length > 100) return at('must be less than 101 items', '/view/blocks');
  const blockIds = new Set<string>();
  for (const [index, block] of blocks.entries()) {
    const pointer = `/view/blocks/${index}`;
    if (!isObject(block) || typeof block.type !== 'string') return at('must provide an object with a type', pointer);
    if (block.block_id !== undefined) {
      if (typeof block.block_id !== 'string' || block.block_id.length > 255) return at('must be a string of at most 255 characters', `${pointer}/block_id`);
      if (blockIds.has(block.block_id)) return at(`duplicate block_id ${block.block_id}`, `${pointer}/block_id`);
      blockIds.add(block.block_id);
    }
    const problem = checkBlock(block, pointer);
    if (problem) return problem;
  }
  return undefined;
}

type Json = Record<string, unknown>;

function checkBlock(block: Json, pointer: string): string | undefined {
  switch (block.type) {
    case 'header':
      return checkText(block.text, `${pointer}/text`, { max: 150, plainOnly: true });
    case 'divider':
      return undefined;
    case 'section':
      return checkSection(block, pointer);
    case 'context': {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length === 0) return at('must provide at least 1 item', `${pointer}/elements`);
      if (elements.length > 10) return at('must be less than 11 items', `${pointer}/elements`);
      for (const [index, element] of elements.entries()) {
        const problem = isObject(element) && element.type === 'image' ? checkImage(element, `${pointer}/elements/${index}`) : checkText(element, `${pointer}/elements/${index}`, { max: 3000 });
        if (problem) return problem;
      }
      return undefined;
    }
    case 'actions': {
      const elements = block.elements;
      if (!Array.isArray(elements) || elements.length === 0) return at('must provide at least 1 item', `${pointer}/elements`);
      if (elements.length > 25) return at('must be less than 26 items', `${pointer}/elements`);
      const actionIds = new Set<string>();
      for (const [index, element] of elements.entries()) {
        const problem = checkButton(element, `${pointer}/elements/${index}`, actionIds);
        if (problem) return problem;
      }
      return undefined;
    }
    default:
      return at(`block type ${String(block.type)} is not modelled by the fake Slack (extend fake-slack-view-blocks.ts from the Block Kit reference)`, `${pointer}/type`);
  }
}

function checkSection(block: Json, pointer: string): string | undefined {
  const { text, fields } = block;
  if (text === undefined && fields === undefined) return at('must provide either text or fields', pointer);
  if (text !== undefined) {
    const problem = checkText(text, `${pointer}/text`, { max: 3000 });
    if (problem) return problem;
  }
  if (fields !== undefined) {
    if (!Array.isArray(fields) || fields.length === 0) return at('must provide at least 1 item', `${pointer}/fields`);
    if (fields.length > 10) return at('must be less than 11 items', `${pointer}/fields`);
    for (const [index, field] of fields.entries()) {
      const problem = checkText(field, `${pointer}/fields/${index}`, { max: 2000 });
      if (problem) return problem;
    }
  }
  if (block.accessory !== undefined) {
    const accessory = block.accessory;
    if (isObject(accessory) && accessory.type === 'image') return checkImage(accessory, `${pointer}/accessory`);
    return checkButton(accessory, `${pointer}/accessory`, new Set());
  }
  return undefined;
}

function checkButton(element: unknown, pointer: string, actionIds: Set<string>): string | undefined {
  if (!isObject(element) || element.type !== 'button') return at('element type is not modelled by the fake Slack (buttons only)', `${pointer}/type`);
  const textProblem = checkText(element.text, `${pointer}/text`, { max: 75, plainOnly: true });
  if (textProblem) return textProblem;
  if (element.action_id !== undefined) {
    if (typeof element.action_id !== 'string' || element.action_id.length > 255) return at('must be a string of at most 255 characters', `${pointer}/action_id`);
    if (actionIds.has(element.action_id)) return at(`duplicate action_id ${element.action_id}`, `${pointer}/action_id`);
    actionIds.add(element.action_id);
  }
  if (element.value !== undefined && (typeof element.value !== 'string' || element.value.length > 2000)) return at('must be a string of at most 2000 characters', `${pointer}/value`);
  if (element.url !== undefined && (typeof element.url !== 'string' || element.url.length > 3000)) return at('must be a string of at most 3000 characters', `${pointer}/url`);
  if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') return at('must be one of primary, danger', `${pointer}/style`);
  return undefined;
}

function checkImage(element: Json, pointer: string): string | undefined {
  if (typeof element.image_url !== 'string' && !isObject(element.slack_file)) return at('must provide image_url or slack_file', pointer);
  if (typeof element.alt_text !== 'string' || element.alt_text.length === 0 || element.alt_text.length > 2000) return at('must be a string of 1 to 2000 characters', `${pointer}/alt_text`);
  return undefined;
}

/** A text object: `plain_text` or `mrkdwn`, non-empty `text` of at most `max` characters. */
function checkText(value: unknown, pointer: string, rules: { max: number; plainOnly?: boolean }): string | undefined {
  if (!isObject(value)) return at('must provide an object', pointer);
  const allowed = rules.plainOnly ? ['plain_text'] : ['plain_text', 'mrkdwn'];
  if (typeof value.type !== 'string' || !allowed.includes(value.type)) return at(`must be one of ${allowed.join(', ')}`, `${pointer}/type`);
  if (typeof value.text !== 'string' || value.text.length === 0) return at('must be more than 0 characters', `${pointer}/text`);
  if (value.text.length > rules.max) return at(`must be less than ${rules.max + 1} characters`, `${pointer}/text`);
  if (value.emoji !== undefined && value.type !== 'plain_text') return at('emoji is only allowed on plain_text', `${pointer}/emoji`);
  if (value.verbatim !== undefined && value.type !== 'mrkdwn') return at('verbatim is only allowed on mrkdwn', `${pointer}/verbatim`);
  return undefined;
}

function at(message: string, pointer: string): string {
  return `${message} [json-pointer:${pointer}]`;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
