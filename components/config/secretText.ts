// A secret string that cannot leak by accident: printing, string-templating or JSON-encoding it
// yields "[secret]". Code that needs the value calls reveal() and wraps it in pulumi.secret().
export class SecretText {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return "[secret]";
  }

  toJSON(): string {
    return "[secret]";
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return "[secret]";
  }
}
