// What the views share: each follows the event stream and knows whether it is shown. A shown view loads what it
// shows, again every `every` ms while due() says there is a reason to, and again when the stream reconnects
// (what changed meanwhile).

export class View {
  constructor(el, about, stream, every = 0) {
    this.el = el;
    this.about = about;
    this.central = about.role === 'central';
    this.every = every;
    this.visible = false;
    // the stream hands events over from a timer, never while a view is being built
    stream.subscribe((events) => this.onEvents(events));
  }

  show() {
    this.visible = true;
    this.load();
    if (this.every) this.timer = setInterval(() => { if (this.due()) this.load(); }, this.every);
  }

  hide() {
    this.visible = false;
    clearInterval(this.timer);
  }

  /** The server came back: what changed meanwhile. */
  resync() {
    if (this.visible) this.load();
  }

  /** Whether the timer loads again now. */
  due() {
    return true;
  }

  /** Shows the outcome of what the user asked in the view's message line (this.message). */
  say(text, isError) {
    this.message.textContent = text;
    this.message.classList.toggle('error', Boolean(isError));
  }
}
