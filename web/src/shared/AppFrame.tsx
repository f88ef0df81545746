import { AppShell, Burger, Button, Group, NavLink, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { NavLink as RouterLink, useLocation } from "react-router";
import { LanguageSwitch } from "./LanguageSwitch";
import { useSession } from "./session";

export interface NavigationItem {
  /** Route path, relative to the app's base (e.g. "lenders"). */
  path: string;
  label: string;
}

/** The frame of a signed-in page: title, language, who is signed in, sign-out, navigation. */
export function AppFrame({ title, navigation, children }: { title: string; navigation: NavigationItem[]; children: ReactNode }) {
  const { t } = useTranslation("shared");
  const session = useSession();
  const location = useLocation();
  const [opened, { toggle }] = useDisclosure();
  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 230, breakpoint: "sm", collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label={t("mainNavigation")} />
            <Title order={1} size="h3">{title}</Title>
          </Group>
          <Group wrap="nowrap">
            <LanguageSwitch />
            <Text size="sm" data-testid="signed-in-as">{t("signedInAs", { subject: session.subject })}</Text>
            <Button variant="default" size="xs" onClick={session.signOut}>{t("signOut")}</Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label={t("mainNavigation")}>
        {navigation.map(item => (
          <NavLink
            key={item.path}
            component={RouterLink}
            to={item.path}
            label={item.label}
            // Filled: white on blue 8 keeps AA contrast when the active link is hovered too,
            // which the light variant's blue on pale blue does not.
            variant="filled"
            active={location.pathname === `/${item.path}` || location.pathname.startsWith(`/${item.path}/`)}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>{children}</AppShell.Main>
    </AppShell>
  );
}
