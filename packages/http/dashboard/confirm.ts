/**
 * A confirmation step for destructive actions (clear, drain) in a native modal `<dialog>`: it traps
 * focus, closes on Escape and gives focus back to the button that opened it.
 * @module
 */
import { useEffect, useRef } from 'preact/hooks';
import { html } from './html.js';

/** What to confirm; null keeps the dialog closed. */
export interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel: string;
  onConfirm: () => void;
}

/** The modal: Cancel has the focus first, so Enter alone never confirms a destructive action. */
export function ConfirmDialog({ request, onClose }: { request: ConfirmRequest | null; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (request && !dialog.open) {
      dialog.showModal();
      cancelRef.current?.focus();
    } else if (!request && dialog.open) dialog.close();
  }, [request]);
  const confirm = () => {
    request?.onConfirm();
    onClose();
  };
  return html`
    <dialog ref=${ref} class="confirm" aria-labelledby="confirm-title" aria-describedby="confirm-message" onClose=${onClose}>
      <h2 id="confirm-title">${request?.title ?? ''}</h2>
      <p id="confirm-message">${request?.message ?? ''}</p>
      <div class="actions">
        <button type="button" ref=${cancelRef} onClick=${onClose}>Cancel</button>
        <button type="button" class="danger" onClick=${confirm}>${request?.confirmLabel ?? 'Confirm'}</button>
      </div>
    </dialog>
  `;
}
