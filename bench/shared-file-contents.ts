/** The files of bench (i): a SQL text and a PNG (its signature, then filler) of the given sizes. */
export function sharedFileContents(textBytes: number, imageBytes: number): { text: string; image: Buffer } {
  const line = 'CREATE TABLE events (id bigint primary key, account_id bigint, payload jsonb);\n';
  return {
    text: line.repeat(Math.ceil(textBytes / line.length)).slice(0, textBytes),
    image: Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(imageBytes - 8, 3)]),
  };
}
