import "./styles.css";

import { App } from "./app";
import { browserEnvironment } from "./env";
import { tauriIpc } from "./ipc";

const root = document.getElementById("app");
if (root === null) {
  throw new Error("index.html has no element with id 'app'");
}
const app = new App(root, browserEnvironment(tauriIpc));
void app.start();
