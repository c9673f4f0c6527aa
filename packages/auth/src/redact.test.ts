import { describe, expect, it } from 'vitest';
import { redact, redactForModel, redactValue, registerSecret } from './redact.js';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2NvZ25pdGl2ZSJ9.c2lnbmF0dXJlLWJ5dGVz';

/** Ordinary code that names passwords, keys and tokens: the user's data, never a secret. */
const ORDINARY_CODE = [
  'if (password === stored) return true;',
  'api_key = os.environ["SERVICE_API_KEY"]',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the user's code, quoted as text
  'headers.Authorization = `Bearer ${token}`;',
  'const secret = await vault.get("db");',
  'client_secret: process.env.CLIENT_SECRET,',
  '"password": "<your password here>",',
  'export OPEN_AI_KEY=$(az keyvault secret show --name key --query value -o tsv)',
  'curl -H "Authorization: Bearer YOUR_TOKEN_HERE" https://example.com',
  'access_token=None  # filled in by login()',
  'AZURE_OPENAI_AD_TOKEN: str = Field(default="")',
  'x-api-key: {{ANTHROPIC_API_KEY}}',
  'pip install sk-learn-pipeline-tools scikit-learn',
].join('\n');

describe("redact (the library's own logs and errors)", () => {
  it('masks JWTs, bearer values, sk- keys and secret-named fields', () => {
    expect(redact(`token ${JWT} end`)).toBe('token [REDACTED] end');
    expect(redact('Authorization: Bearer abcdef123456')).toBe('Authorization: [REDACTED]');
    expect(redact('sent Bearer abcdef123456 to it')).toBe('sent Bearer [REDACTED] to it');
    expect(redact('key sk-proj-abcdefghijkl')).toBe('key [REDACTED]');
    expect(redact('api-key: 0123456789abcdef')).toBe('api-key: [REDACTED]');
    expect(redact('{"api_key":"0123456789abcdef"}')).toBe('{"api_key":"[REDACTED]"}');
    expect(redact('AZURE_OPENAI_AD_TOKEN=opaque-value-123')).toBe(
      'AZURE_OPENAI_AD_TOKEN=[REDACTED]',
    );
  });

  it('leaves ordinary text alone', () => {
    const text = 'max_tokens: 100, input_tokens=5, task_done: true, tokens used: 42';
    expect(redact(text)).toBe(text);
  });

  it('masks registered secrets of any shape', () => {
    registerSecret('opaque secret with spaces 42');
    expect(redact('the value was opaque secret with spaces 42!')).toBe('the value was [REDACTED]!');
    registerSecret('short');
    expect(redact('short')).toBe('short');
  });

  it('masks inside structured values', () => {
    registerSecret('structured-secret-value');
    expect(redactValue({ nested: ['structured-secret-value'] })).toEqual({
      nested: ['[REDACTED]'],
    });
  });
});

describe("redactForModel (the user's data on its way to the model)", () => {
  it('quotes ordinary code that names passwords, keys and tokens back verbatim', () => {
    expect(redactForModel(ORDINARY_CODE)).toBe(ORDINARY_CODE);
    // The library's own redact would mangle it: that is why the two differ.
    expect(redact(ORDINARY_CODE)).not.toBe(ORDINARY_CODE);
  });

  it('masks the secrets the library holds and token-shaped strings, wherever they are', () => {
    const key = 'Zq9ModelKey-registered-0001';
    registerSecret(key);
    const openAIKey = 'sk-proj-4f9a8b7c6d5e4f3a2b1c0d9e8f7a';
    const text = `${ORDINARY_CODE}\nkey in use: ${key}\ntoken: ${JWT}\nOPENAI_API_KEY=${openAIKey}`;
    const masked = redactForModel(text);
    expect(masked).toBe(
      `${ORDINARY_CODE}\nkey in use: [REDACTED]\ntoken: [REDACTED]\nOPENAI_API_KEY=[REDACTED]`,
    );
    for (const secret of [key, JWT, openAIKey]) expect(masked).not.toContain(secret);
  });
});

describe('README example', () => {
  it('redactForModel keeps the code, redact masks the field too', () => {
    registerSecret('my-real-key-0123456789');
    const line = 'if (password === stored) use("my-real-key-0123456789")';
    expect(redactForModel(line)).toBe('if (password === stored) use("[REDACTED]")');
    expect(redact(line)).toBe('if (password =[REDACTED] stored) use("[REDACTED]")');
  });
});
