// Entry module of the coding screen (/code/<assignment id>/).
import { CodingScreen } from "./coding/screen.js";

const boot = JSON.parse(document.getElementById("boot").textContent);
// The screen is reachable at once (tests, the console); it is ready (body[data-ready]) once
// every page of events has been loaded.
window.athar = new CodingScreen(boot);
window.athar.start();
