// Entry module of the coding screen (/code/<assignment id>/).
import { CodingScreen } from "./coding/screen.js";

const boot = JSON.parse(document.getElementById("boot").textContent);
window.athar = new CodingScreen(boot).start();
