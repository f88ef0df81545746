import { Anchor, Badge, Group, Loader, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import { Link, useParams } from "react-router";
import { useQuery } from "urql";
import { LenderDocument } from "../../generated/graphql";
import { GatewayErrorAlert } from "../components/GatewayErrorAlert";
import { ApiKeysCard } from "./lender/ApiKeysCard";
import { BudgetCard } from "./lender/BudgetCard";
import { PendingChangesCard } from "./lender/PendingChangesCard";
import { PermissionsCard } from "./lender/PermissionsCard";
import { PublicKeysCard } from "./lender/PublicKeysCard";
import { WebhooksCard } from "./lender/WebhooksCard";
import { STATUS_COLOR } from "./LendersPage";

/** One lender: categories and the changes waiting on it, credentials, budget, webhook health. */
export function LenderPage() {
  const { t } = useTranslation();
  const { id = "" } = useParams();
  const [{ data, fetching, error }, reexecute] = useQuery({ query: LenderDocument, variables: { id } });
  const refresh = useCallback(() => reexecute({ requestPolicy: "network-only" }), [reexecute]);
  const lender = data?.lender;
  return (
    <Stack>
      <Anchor component={Link} to="/lenders">{t("lender.back")}</Anchor>
      {fetching && !data && <Loader aria-label={t("shared:loading")} />}
      <GatewayErrorAlert error={error} />
      {data && !lender && <Text>{t("errors.NOT_FOUND")}</Text>}
      {lender && (
        <>
          <Group>
            <Title order={2}>{t("lender.heading", { name: lender.name })}</Title>
            <Badge color={STATUS_COLOR[lender.status]}>{t(`status.${lender.status}`)}</Badge>
          </Group>
          <Text>{lender.legalName} · {lender.contactEmail}</Text>
          <PendingChangesCard lender={lender} refresh={refresh} />
          <SimpleGrid cols={{ base: 1, lg: 2 }}>
            <PermissionsCard lender={lender} refresh={refresh} />
            <BudgetCard lender={lender} refresh={refresh} />
          </SimpleGrid>
          <PublicKeysCard lender={lender} refresh={refresh} />
          <ApiKeysCard lender={lender} refresh={refresh} />
          <WebhooksCard lender={lender} />
        </>
      )}
    </Stack>
  );
}
