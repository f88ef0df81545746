import { mount } from "../shared/mount";
import { PrivacyApp } from "./PrivacyApp";
import { words } from "./words";
import { initI18n } from "../shared/i18n";

initI18n(words);
mount("privacy", <PrivacyApp />);
