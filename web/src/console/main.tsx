import { mount } from "../shared/mount";
import { ConsoleApp } from "./ConsoleApp";
import { words } from "./words";
import { initI18n } from "../shared/i18n";

initI18n(words);
mount("console", <ConsoleApp />);
