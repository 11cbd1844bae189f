// Asks for the API key when the server answered 401, or 403 to the key given
// (API_KEYS is set): the key goes to localStorage and every view fetches again
// with it.
import { useState } from 'preact/hooks';
import { apiKey, setApiKey } from '../client/key.ts';

export function KeyPrompt() {
  const [value, setValue] = useState(apiKey() ?? '');
  return (
    <div class="modal-back">
      <form
        class="modal card"
        data-testid="key-prompt"
        onSubmit={(e) => {
          e.preventDefault();
          setApiKey(value.trim() || null);
        }}
      >
        <h2>API key needed</h2>
        <p>This server asks for a key on every call (API_KEYS is set). It is kept in this browser only.</p>
        {apiKey() ? <p class="error">The key given before was refused.</p> : null}
        <label>
          Key
          <input name="apiKey" type="password" autoComplete="off" value={value} onInput={(e) => setValue(e.currentTarget.value)} autoFocus />
        </label>
        <div class="row">
          <button type="submit" class="primary">
            Use this key
          </button>
        </div>
      </form>
    </div>
  );
}
