/** A one-line form: a label, a text field (a folder path, a name) and its submit button. */
export interface InlineTextFormProps {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  /** Called with the trimmed text, never with an empty one. */
  onSubmit(text: string): void;
  placeholder: string;
  inputTestId: string;
  buttonTestId: string;
  button: string;
  disabled: boolean;
}

export function InlineTextForm(p: InlineTextFormProps) {
  return (
    <form
      className="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (p.value.trim()) p.onSubmit(p.value.trim());
      }}
    >
      <label htmlFor={p.id}>{p.label}</label>
      <input
        id={p.id}
        data-testid={p.inputTestId}
        type="text"
        spellCheck={false}
        value={p.value}
        placeholder={p.placeholder}
        onChange={(e) => p.onChange(e.target.value)}
      />
      <button type="submit" data-testid={p.buttonTestId} disabled={p.disabled}>
        {p.button}
      </button>
    </form>
  );
}
