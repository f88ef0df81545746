import i18next, { type Resource } from "i18next";
import { initReactI18next } from "react-i18next";

export type Language = "zh" | "en";
export const LANGUAGES: readonly Language[] = ["zh", "en"];

/** Words every page shares: sign-in, the frame, errors. Each app adds its own namespace. */
const shared = {
  zh: {
    language: "语言",
    signIn: "登录",
    signOut: "退出登录",
    signedInAs: "已登录：{{subject}}",
    token: "令牌",
    tokenHelp: "开发环境：粘贴 npm run -s token 打印的令牌。令牌只保存在本页内存中，关闭或刷新页面即需重新登录。",
    tokenRequired: "请粘贴令牌",
    tokenRefused: "令牌无效或已过期，网关拒绝了它。",
    wrongRole: "此令牌属于另一类用户，不能打开本页面。",
    sessionExpired: "登录已过期，请重新登录。",
    signedOut: "您已退出登录。",
    signInWithProvider: "通过身份提供方登录",
    providerHelp: "您将跳转到身份提供方登录，完成后自动返回本页面。登录状态只保存在本页内存中。",
    providerUnavailable: "暂时无法连接身份提供方，请稍后再试。",
    signInFailed: "登录未完成，请重新登录。",
    signInNotConfigured: "本页面的登录方式尚未配置。",
    gatewayUnavailable: "网关暂时不可用，请稍后再试。",
    loading: "加载中…",
    error: "出错了：{{code}}",
    retry: "重试",
    cancel: "取消",
    confirm: "确认",
    loadMore: "加载更多",
    none: "无",
    mainNavigation: "主导航",
  },
  en: {
    language: "Language",
    signIn: "Sign in",
    signOut: "Sign out",
    signedInAs: "Signed in as {{subject}}",
    token: "Token",
    tokenHelp: "Development: paste a token printed by npm run -s token. The token is kept in this page's memory only; closing or reloading the page signs you out.",
    tokenRequired: "Paste a token",
    tokenRefused: "The gateway refused this token: it is invalid or has expired.",
    wrongRole: "This token belongs to another kind of user and cannot open this page.",
    sessionExpired: "Your session has expired. Please sign in again.",
    signedOut: "You have signed out.",
    signInWithProvider: "Sign in with the identity provider",
    providerHelp: "You will sign in at the identity provider and come back here. The session is kept in this page's memory only.",
    providerUnavailable: "The identity provider cannot be reached for the moment. Please try again later.",
    signInFailed: "Sign-in did not complete. Please sign in again.",
    signInNotConfigured: "Sign-in is not configured for this page.",
    gatewayUnavailable: "The gateway is unavailable for the moment. Please try again later.",
    loading: "Loading…",
    error: "Something went wrong: {{code}}",
    retry: "Retry",
    cancel: "Cancel",
    confirm: "Confirm",
    loadMore: "Load more",
    none: "None",
    mainNavigation: "Main navigation",
  },
};

/**
 * Chinese first (the applicants and staff are in China), English beside it. `app` holds the
 * app's own words under the same two languages.
 */
export function initI18n(app: Record<Language, Record<string, unknown>>): typeof i18next {
  const resources: Resource = {
    zh: { shared: shared.zh, app: app.zh },
    en: { shared: shared.en, app: app.en },
  };
  void i18next.use(initReactI18next).init({
    resources,
    lng: "zh",
    fallbackLng: "zh",
    ns: ["app", "shared"],
    defaultNS: "app",
    fallbackNS: "shared",
    interpolation: { escapeValue: false },
  });
  i18next.on("languageChanged", language => {
    document.documentElement.lang = language === "zh" ? "zh-CN" : "en";
  });
  return i18next;
}
