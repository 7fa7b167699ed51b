/**
 * manifest.yml: valid against Slack's manifest JSON Schema (the offline copy in
 * test/fixtures/manifest-schema, slackapi/manifest-schema v0.5.0), and consistent with what the
 * bot actually does (the schema does not know scope or event names).
 *
 * How the three schema files fit together:
 * - manifest.schema.root.json ($id …/manifest.schema.json, draft-07) only dispatches: a `oneOf`
 *   over `_metadata.major_version` (1, 2, absent, or no `_metadata` at all), each branch
 *   `$ref`-ing one versioned schema by its raw.githubusercontent.com URL.
 * - manifest.schema.1.0.0.json and manifest.schema.2.0.0.json are self-contained draft-07 schemas
 *   without an `$id`; they only use local `#/definitions/…` refs.
 * So the versioned schemas are registered with Ajv under the exact URLs the root refers to,
 * and no network access is needed.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { parseDocument } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';

const manifestPath = new URL('../manifest.yml', import.meta.url);
const socketManifestPath = new URL('../manifest.socket.yml', import.meta.url);
const schemaDirectory = new URL('./fixtures/manifest-schema/', import.meta.url);

/** The single endpoint all Slack traffic goes to. */
const ENDPOINT_PATH = '/slack/events';

/** Bot scopes the bot cannot work without (what each one is for is commented in manifest.yml). */
const REQUIRED_SCOPES = [
  'app_mentions:read',
  'chat:write',
  'chat:write.customize',
  'commands',
  'im:history',
  'channels:history',
  'groups:history',
  'assistant:write',
  // users.info: who said what in threads with several people (names fall back to ids without it).
  'users:read',
  // url_private downloads of the files people share with a question.
  'files:read',
] as const;

/** Further scopes that were reviewed and are justified in manifest.yml. */
const REVIEWED_EXTRA_SCOPES = ['im:read', 'im:write'] as const;

/** Events the bot handles in every configuration. */
const REQUIRED_EVENTS = ['app_mention', 'message.channels', 'message.groups', 'message.im'] as const;

/** The scope Slack requires before it delivers an event (events missing here need none). */
const EVENT_SCOPE: Record<string, string> = {
  app_mention: 'app_mentions:read',
  'message.channels': 'channels:history',
  'message.groups': 'groups:history',
  'message.im': 'im:history',
  'message.mpim': 'mpim:history',
};

interface SlashCommand {
  command: string;
  url?: string;
  description: string;
  usage_hint?: string;
  should_escape?: boolean;
}

/** The parts of a manifest these tests read (the schema checks the full shape). */
interface Manifest {
  _metadata?: { major_version?: number; minor_version?: number };
  display_information: { name: string; description?: string; background_color?: string };
  features?: {
    bot_user?: { display_name: string; always_online?: boolean };
    app_home?: { home_tab_enabled?: boolean; messages_tab_enabled?: boolean; messages_tab_read_only_enabled?: boolean };
    agent_view?: { agent_description?: string; suggested_prompts?: { title: string; message: string }[] };
    assistant_view?: { assistant_description: string; suggested_prompts?: { title: string; message: string }[] };
    slash_commands?: SlashCommand[];
  };
  oauth_config?: { scopes?: { bot?: string[]; user?: string[] } };
  settings?: {
    event_subscriptions?: { request_url?: string; bot_events?: string[]; user_events?: string[] };
    interactivity?: { is_enabled: boolean; request_url?: string };
    org_deploy_enabled?: boolean;
    socket_mode_enabled?: boolean;
    token_rotation_enabled?: boolean;
  };
}

function readSchema(fileName: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(fileName, schemaDirectory), 'utf8')) as Record<string, unknown>;
}

/** Every `$ref` string anywhere in a schema. */
function collectRefs(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) {
    for (const item of node) collectRefs(item, found);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else collectRefs(value, found);
    }
  }
  return found;
}

function loadManifest(path: URL = manifestPath): Manifest {
  const document = parseDocument(readFileSync(path, 'utf8'), { uniqueKeys: true });
  if (document.errors.length > 0) throw new Error(`${path.pathname}: ${document.errors.map(String).join('; ')}`);
  if (document.warnings.length > 0) throw new Error(`${path.pathname}: ${document.warnings.map(String).join('; ')}`);
  return document.toJS() as Manifest;
}

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? error.keyword}`).join('\n');
}

const rootSchema = readSchema('manifest.schema.root.json');
const versionedSchemas = {
  1: readSchema('manifest.schema.1.0.0.json'),
  2: readSchema('manifest.schema.2.0.0.json'),
} as const;

/** The versioned schema the root would pick for a manifest, by `_metadata.major_version`. */
function majorVersionOf(manifest: Manifest): 1 | 2 {
  const major = manifest._metadata?.major_version ?? 1;
  if (major !== 1 && major !== 2) throw new Error(`unsupported _metadata.major_version ${String(major)}`);
  return major;
}

let ajv: Ajv;
let validateRoot: ValidateFunction;
let validateVersion: Record<1 | 2, ValidateFunction>;
let manifest: Manifest;

beforeAll(() => {
  ajv = new Ajv({
    // The Slack schemas carry non-standard keywords (`regex`, `_note`): ignore, don't fail.
    strict: false,
    allErrors: true,
    // ajv-formats is not installed; the only format used is `uri` on the optional `$schema` key.
    validateFormats: false,
  });
  // Register each versioned schema under the URL the root refers to it by.
  for (const ref of new Set(collectRefs(rootSchema))) {
    const version = /manifest\.schema\.(\d+)\.0\.0\.json$/.exec(ref)?.[1];
    if (version !== '1' && version !== '2') throw new Error(`root schema refers to an unknown schema: ${ref}`);
    ajv.addSchema(versionedSchemas[version], ref);
  }
  validateRoot = ajv.compile(rootSchema);
  validateVersion = {
    1: ajv.compile(versionedSchemas[1]),
    2: ajv.compile(versionedSchemas[2]),
  };
  manifest = loadManifest();
});

describe('manifest schema fixtures', () => {
  it('are all draft-07, and the root dispatches to both versioned schemas', () => {
    for (const schema of [rootSchema, versionedSchemas[1], versionedSchemas[2]]) {
      expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    }
    const refs = [...new Set(collectRefs(rootSchema))].sort();
    expect(refs).toHaveLength(2);
    expect(refs[0]).toMatch(/manifest\.schema\.1\.0\.0\.json$/);
    expect(refs[1]).toMatch(/manifest\.schema\.2\.0\.0\.json$/);
  });
});

describe('manifest.yml against the Slack manifest schema', () => {
  it('declares a manifest format version the root schema knows', () => {
    expect(manifest._metadata).toEqual({ major_version: 1, minor_version: 1 });
  });

  it('is valid against the versioned schema its _metadata selects', () => {
    const validate = validateVersion[majorVersionOf(manifest)];
    const valid = validate(manifest);
    expect(describeErrors(validate.errors)).toBe('');
    expect(valid).toBe(true);
  });

  it('is valid against the root schema (exactly one dispatch branch matches)', () => {
    const valid = validateRoot(manifest);
    expect(describeErrors(validateRoot.errors)).toBe('');
    expect(valid).toBe(true);
  });

  it('is rejected by the root schema when _metadata names a version no branch accepts', () => {
    const copy = structuredClone(manifest);
    copy._metadata = { major_version: 3, minor_version: 0 };
    expect(validateRoot(copy)).toBe(false);
  });

  type Mutation = { name: string; mutate: (m: Record<string, any>) => void; path: string; keyword: string };
  const mutations: Mutation[] = [
    {
      name: 'an unknown scope type under oauth_config.scopes',
      mutate: (m) => {
        m.oauth_config.scopes.robot = ['chat:write'];
      },
      path: '/oauth_config/scopes',
      keyword: 'additionalProperties',
    },
    {
      name: 'slash_commands as an object instead of an array',
      mutate: (m) => {
        m.features.slash_commands = { command: '/crew', description: 'Ask the crew' };
      },
      path: '/features/slash_commands',
      keyword: 'type',
    },
    {
      name: 'a slash command without its leading slash',
      mutate: (m) => {
        m.features.slash_commands[0].command = 'crew';
      },
      path: '/features/slash_commands/0/command',
      keyword: 'pattern',
    },
    {
      name: 'interactivity.is_enabled as a string',
      mutate: (m) => {
        m.settings.interactivity.is_enabled = 'yes';
      },
      path: '/settings/interactivity/is_enabled',
      keyword: 'type',
    },
    {
      name: 'more than four agent_view suggested prompts',
      mutate: (m) => {
        const prompt = { title: 'Extra', message: 'Extra prompt' };
        m.features.agent_view.suggested_prompts = [prompt, prompt, prompt, prompt, prompt];
      },
      path: '/features/agent_view/suggested_prompts',
      keyword: 'maxItems',
    },
    {
      name: 'no display_information',
      mutate: (m) => {
        delete m.display_information;
      },
      path: '',
      keyword: 'required',
    },
  ];

  it.each(mutations)('rejects a copy with $name', ({ mutate, path, keyword }) => {
    const copy = structuredClone(manifest) as unknown as Record<string, any>;
    mutate(copy);
    const validate = validateVersion[majorVersionOf(manifest)];
    expect(validate(copy)).toBe(false);
    expect(validate.errors?.some((error) => error.instancePath === path && error.keyword === keyword)).toBe(true);
    // The root dispatcher must reject it too.
    expect(validateRoot(copy)).toBe(false);
  });
});

describe('manifest.yml matches what the bot does', () => {
  const botScopes = () => manifest.oauth_config?.scopes?.bot ?? [];
  const botEvents = () => manifest.settings?.event_subscriptions?.bot_events ?? [];

  it('is the crew app with bot user architect', () => {
    expect(manifest.display_information.name).toBe('crew');
    expect(manifest.display_information.description).toBeTruthy();
    expect(manifest.features?.bot_user).toEqual({ display_name: 'architect', always_online: true });
  });

  it('has a hex background colour (the schema spells its check `regex`, which validators ignore)', () => {
    expect(manifest.display_information.background_color).toMatch(/^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/);
  });

  it('enables the Messages tab so users can DM the bot, and the Home tab the crew is listed on', () => {
    expect(manifest.features?.app_home).toMatchObject({
      messages_tab_enabled: true,
      messages_tab_read_only_enabled: false,
      home_tab_enabled: true,
    });
  });

  it('has the Home tab and app_home_opened that the App Home listener publishes with (views.publish needs no scope)', () => {
    const listener = readFileSync(new URL('../src/adapters/slack/listeners/register-app-home-listeners.ts', import.meta.url), 'utf8');
    expect(listener).toContain("'views.publish'");
    expect(listener).toContain("app.event('app_home_opened'");
    expect(manifest.features?.app_home?.home_tab_enabled).toBe(true);
    expect(botEvents()).toContain('app_home_opened');
    // assistant.threads.setSuggestedPrompts (the agent view's prompts) needs assistant:write.
    expect(readFileSync(new URL('../src/adapters/slack/set-suggested-prompts.ts', import.meta.url), 'utf8')).toContain("'assistant.threads.setSuggestedPrompts'");
    expect(botScopes()).toContain('assistant:write');
  });

  it('declares /crew pointing at the events endpoint', () => {
    const commands = manifest.features?.slash_commands ?? [];
    const crew = commands.find((command) => command.command === '/crew');
    expect(crew).toBeDefined();
    expect(new URL(crew?.url ?? 'missing:').pathname).toBe(ENDPOINT_PATH);
    expect(crew?.usage_hint).toBe('[agent] <question> | help | list');
    expect(crew?.should_escape).toBe(false);
  });

  it('requests every scope the bot needs', () => {
    const missing = REQUIRED_SCOPES.filter((scope) => !botScopes().includes(scope));
    expect(missing).toEqual([]);
  });

  it('requests no scope that was not reviewed (add new ones here with a reason in manifest.yml)', () => {
    const reviewed = new Set<string>([...REQUIRED_SCOPES, ...REVIEWED_EXTRA_SCOPES]);
    expect(botScopes().filter((scope) => !reviewed.has(scope))).toEqual([]);
    expect(new Set(botScopes()).size).toBe(botScopes().length);
    expect(manifest.oauth_config?.scopes?.user ?? []).toEqual([]);
  });

  it('subscribes to every event the bot needs', () => {
    const missing = REQUIRED_EVENTS.filter((event) => !botEvents().includes(event));
    expect(missing).toEqual([]);
  });

  it('has the scope each subscribed event and the slash command require', () => {
    for (const event of botEvents()) {
      const scope = EVENT_SCOPE[event];
      if (scope !== undefined) expect(botScopes(), `event ${event} needs ${scope}`).toContain(scope);
    }
    if ((manifest.features?.slash_commands ?? []).length > 0) expect(botScopes()).toContain('commands');
  });

  it('uses exactly one AI view, with the events that belong to it', () => {
    const features = manifest.features ?? {};
    expect(Boolean(features.agent_view) !== Boolean(features.assistant_view)).toBe(true);
    if (features.agent_view) {
      // Agent messaging: app_home_opened (tab "messages") replaces assistant_thread_started.
      expect(features.agent_view.agent_description).toBeTruthy();
      expect(botEvents()).toContain('app_home_opened');
      expect(botEvents()).not.toContain('assistant_thread_started');
      expect(botEvents()).not.toContain('assistant_thread_context_changed');
    } else {
      expect(botEvents()).toContain('assistant_thread_started');
      expect(botEvents()).not.toContain('app_context_changed');
    }
  });

  it('sends events, the slash command and interactivity to the same HTTPS endpoint', () => {
    const settings = manifest.settings;
    expect(settings?.socket_mode_enabled).toBe(false);
    expect(settings?.interactivity?.is_enabled).toBe(true);
    const urls = [
      settings?.event_subscriptions?.request_url,
      settings?.interactivity?.request_url,
      ...(manifest.features?.slash_commands ?? []).map((command) => command.url),
    ];
    // HTTP mode needs every request URL; Socket Mode would omit them all.
    for (const url of urls) {
      expect(url).toBeDefined();
      const parsed = new URL(url ?? 'missing:');
      expect(parsed.protocol).toBe('https:');
      expect(parsed.pathname).toBe(ENDPOINT_PATH);
    }
    expect(new Set(urls).size).toBe(1);
  });

  it('keeps org-wide deploy and token rotation off', () => {
    expect(manifest.settings?.org_deploy_enabled).toBe(false);
    expect(manifest.settings?.token_rotation_enabled).toBe(false);
  });
});

// Issue 14, point 3: a Socket Mode manifest ships beside the HTTP one.
describe('manifest.socket.yml (Socket Mode)', () => {
  let socketManifest: Manifest;
  beforeAll(() => {
    socketManifest = loadManifest(socketManifestPath);
  });

  it('is valid against the versioned schema and the root schema', () => {
    const validate = validateVersion[majorVersionOf(socketManifest)];
    const valid = validate(socketManifest);
    expect(describeErrors(validate.errors)).toBe('');
    expect(valid).toBe(true);
    expect(validateRoot(socketManifest)).toBe(true);
  });

  it('enables Socket Mode and carries no request URL', () => {
    expect(socketManifest.settings?.socket_mode_enabled).toBe(true);
    expect(socketManifest.settings?.event_subscriptions?.request_url).toBeUndefined();
    expect(socketManifest.settings?.interactivity).toEqual({ is_enabled: true });
    expect((socketManifest.features?.slash_commands ?? []).map((command) => command.url)).toEqual([undefined]);
  });

  it('is the HTTP manifest with exactly the Socket Mode changes (same scopes, events, commands, views)', () => {
    const asHttp = structuredClone(socketManifest);
    asHttp.settings = { ...asHttp.settings, socket_mode_enabled: false };
    const url = manifest.settings?.event_subscriptions?.request_url;
    asHttp.settings.event_subscriptions = { ...asHttp.settings.event_subscriptions, request_url: url };
    asHttp.settings.interactivity = { is_enabled: true, request_url: manifest.settings?.interactivity?.request_url };
    for (const command of asHttp.features?.slash_commands ?? []) command.url = manifest.features?.slash_commands?.find((item) => item.command === command.command)?.url;
    expect(asHttp).toEqual(manifest);
  });
});

