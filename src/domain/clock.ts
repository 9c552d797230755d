/** The app's clock: every "now" comes from one (tests move it forward). */
export type Clock = () => Date;
